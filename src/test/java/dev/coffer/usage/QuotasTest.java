package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quotas from coffer.toml and per-user overrides: over a quota the write is refused with
 * {@code quota_exceeded} (413 for bytes, 429 for counts) naming the limit and the usage; racing
 * writes never pass a quota, and the counters still match a recount afterwards.
 */
@ExtendWith(SharedEmbeddedServers.class)
class QuotasTest {
    static TestCoffer coffer;
    static Http http;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        String suffix = Long.toHexString(System.nanoTime());
        coffer = TestCoffer.start(stack, """
                [quotas]
                files_count = 5
                files_bytes = 10000
                items_per_collection = 5
                [collections.notes]
                table = "t-quota-notes-%s"
                sort_key = "note_id"
                """.formatted(suffix), Map.of());
        http = coffer.http();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    private static Http.Response upload(String token, String path, int size) {
        return http.request("PUT", "/api/v1/files/" + path).bearer(token).body(new byte[size], "application/octet-stream").send();
    }

    private static Http.Response createNote(String token) {
        return http.request("POST", "/api/v1/collections/notes/items").bearer(token)
                .body("{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8), "application/json").send();
    }

    /** Runs {@code attempts} copies of {@code write} at once (released together) and returns their statuses. */
    private static List<Integer> race(int attempts, java.util.function.IntFunction<Http.Response> write) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        try {
            var go = new CountDownLatch(1);
            var futures = new ArrayList<Future<Integer>>();
            for (int i = 0; i < attempts; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return write.apply(n).status();
                }));
            }
            go.countDown();
            var statuses = new ArrayList<Integer>();
            for (var f : futures) {
                statuses.add(f.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sixteenParallelUploads_filesCountQuotaOfFive_exactlyFiveStored() throws Exception {
        String token = coffer.tokenFor("racer-files");
        List<Integer> statuses = race(16, n -> upload(token, "race/" + n + ".bin", 100));

        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(5);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(11);
        var user = new UserId("racer-files");
        assertThat(coffer.server().usage().read(user).filesCount()).isEqualTo(5);
        assertThat(coffer.server().usageRecount().recount(user, false).drifted()).isFalse();
        assertThat(http.get("/api/v1/files?prefix=race/", token).json().path("files").size()).isEqualTo(5);
    }

    @Test
    void sixteenParallelCreates_itemQuotaOfFive_exactlyFiveStored() throws Exception {
        String token = coffer.tokenFor("racer-items");
        List<Integer> statuses = race(16, n -> createNote(token));

        assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(5);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(11);
        var user = new UserId("racer-items");
        assertThat(coffer.server().usage().read(user).collection("notes").count()).isEqualTo(5);
        assertThat(coffer.server().usageRecount().recount(user, false).drifted()).isFalse();
        // Another user's quota is their own.
        assertThat(createNote(coffer.tokenFor("other-items")).status()).isEqualTo(201);
    }

    @Test
    void itemOverQuota_problemNamesLimitUsageAndCollection() {
        String token = coffer.tokenFor("items-full");
        for (int i = 0; i < 5; i++) {
            assertThat(createNote(token).status()).isEqualTo(201);
        }
        Http.Response refused = createNote(token);

        assertThat(refused.status()).isEqualTo(429);
        JsonNode problem = refused.json();
        assertThat(problem.path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("quota").asText()).isEqualTo("items_per_collection");
        assertThat(problem.path("limit").asLong()).isEqualTo(5);
        assertThat(problem.path("usage").asLong()).isEqualTo(5);
        assertThat(problem.path("collection").asText()).isEqualTo("notes");
        assertThat(problem.path("detail").asText()).isEqualTo(
                "quota items_per_collection reached: the collection notes holds 5 of the 5 items this account may keep in it");
        // Deleting one makes room again.
        String id = http.get("/api/v1/collections/notes/items", token).json().path("items").get(0).path("note_id").asText();
        assertThat(http.request("DELETE", "/api/v1/collections/notes/items/" + id).bearer(token).send().status()).isEqualTo(204);
        assertThat(createNote(token).status()).isEqualTo(201);
    }

    @Test
    void fileOverBytesQuota_413WithLimitAndUsage_replacementCountsOnlyTheDifference() {
        String token = coffer.tokenFor("bytes-full");
        assertThat(upload(token, "big.bin", 9000).status()).isEqualTo(200);

        Http.Response refused = upload(token, "more.bin", 1001);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.json().path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(refused.json().path("quota").asText()).isEqualTo("files_bytes");
        assertThat(refused.json().path("limit").asLong()).isEqualTo(10000);
        assertThat(refused.json().path("usage").asLong()).isEqualTo(9000);
        assertThat(http.get("/api/v1/files/more.bin", token).status()).isEqualTo(404);

        // Replacing the 9000-byte file with 10000 bytes needs 1000 more: within the quota.
        assertThat(upload(token, "big.bin", 10000).status()).isEqualTo(200);
        assertThat(upload(token, "tiny.bin", 1).status()).isEqualTo(413);
        assertThat(coffer.server().usage().read(new UserId("bytes-full")).filesBytes()).isEqualTo(10000);
    }

    @Test
    void presignedPut_reservesItsSize_overQuotaRefusedBeforeAnyUrl() {
        String token = coffer.tokenFor("presigner");
        Http.Response first = http.postJson("/api/v1/files/presign", token,
                Map.of("path", "p/1.bin", "method", "PUT", "size", 8000));
        assertThat(first.status()).isEqualTo(200);
        assertThat(coffer.server().usage().read(new UserId("presigner")).filesBytes()).isEqualTo(8000);

        Http.Response second = http.postJson("/api/v1/files/presign", token,
                Map.of("path", "p/2.bin", "method", "PUT", "size", 2001));
        assertThat(second.status()).isEqualTo(413);
        assertThat(second.json().path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(second.json().has("url")).isFalse();
    }

    @Test
    void perUserOverride_raisesOrLiftsTheDefaultForThatUserOnly() {
        String token = coffer.tokenFor("vip");
        var user = new UserId("vip");
        coffer.server().usage().setQuota(user, QuotaKey.FILES_COUNT, Optional.of(7L));
        for (int i = 0; i < 7; i++) {
            assertThat(upload(token, "v/" + i, 1).status()).isEqualTo(200);
        }
        Http.Response refused = upload(token, "v/8", 1);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("limit").asLong()).isEqualTo(7);

        coffer.server().usage().setQuota(user, QuotaKey.FILES_COUNT, Optional.of(-1L));
        assertThat(upload(token, "v/8", 1).status()).isEqualTo(200);
        coffer.server().usage().setQuota(user, QuotaKey.FILES_COUNT, Optional.empty());
        assertThat(upload(token, "v/9", 1).status()).isEqualTo(429);
    }

    /**
     * Item reservations racing on one user's counter item: the quota stays exact per collection,
     * refusals name the limit, and the counters hold exactly the accepted items and bytes, to the
     * byte. (Direct calls, so 64 race at once.)
     */
    @Test
    void sixtyFourParallelReservations_twoCollections_exactlyTheLimitInEach_countersExact() throws Exception {
        var store = coffer.server().usage();
        var limited = new UserId("grouped-" + Long.toHexString(System.nanoTime()));
        var unlimited = new UserId("grouped-free-" + Long.toHexString(System.nanoTime()));
        store.setQuota(limited, QuotaKey.ITEMS_PER_COLLECTION, Optional.of(20L));
        store.setQuota(unlimited, QuotaKey.ITEMS_PER_COLLECTION, Optional.of(-1L));
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            var go = new CountDownLatch(1);
            var outcomes = new ArrayList<Future<String>>();
            for (int i = 0; i < 128; i++) {
                UserId user = i < 64 ? limited : unlimited;
                String collection = i % 2 == 0 ? "left" : "right";
                long bytes = 100 + i;
                outcomes.add(pool.submit(() -> {
                    go.await();
                    try {
                        store.creating(user, collection, bytes);
                        return "stored " + collection + " " + bytes;
                    } catch (dev.coffer.error.CofferException e) {
                        assertThat(e.status()).isEqualTo(429);
                        assertThat(e.members()).containsEntry("limit", 20L).containsEntry("collection", collection);
                        return "refused " + collection;
                    }
                }));
            }
            go.countDown();
            var results = new ArrayList<String>();
            for (var f : outcomes) {
                results.add(f.get());
            }
            List<String> limitedResults = results.subList(0, 64);
            for (String collection : List.of("left", "right")) {
                List<Long> storedBytes = limitedResults.stream().filter(r -> r.startsWith("stored " + collection + " "))
                        .map(r -> Long.parseLong(r.substring(r.lastIndexOf(' ') + 1))).toList();
                assertThat(storedBytes).hasSize(20);
                assertThat(limitedResults.stream().filter(r -> r.equals("refused " + collection))).hasSize(12);
                assertThat(store.read(limited).collection(collection))
                        .isEqualTo(new Usage.Stored(20, storedBytes.stream().mapToLong(Long::longValue).sum()));
            }
            assertThat(results.subList(64, 128)).allSatisfy(r -> assertThat(r).startsWith("stored"));
            long leftBytes = 0;
            long rightBytes = 0;
            for (int i = 64; i < 128; i++) {
                if (i % 2 == 0) {
                    leftBytes += 100 + i;
                } else {
                    rightBytes += 100 + i;
                }
            }
            assertThat(store.read(unlimited).collection("left")).isEqualTo(new Usage.Stored(32, leftBytes));
            assertThat(store.read(unlimited).collection("right")).isEqualTo(new Usage.Stored(32, rightBytes));
        } finally {
            pool.shutdownNow();
        }
    }
}
