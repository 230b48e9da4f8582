package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The counters kept as data changes match a recount of the tables and the bucket exactly: files
 * uploaded, replaced (larger and smaller) and deleted, items created, replaced, patched and
 * deleted, by two users whose counters stay apart.
 */
@ExtendWith(SharedEmbeddedServers.class)
class UsageMatchesRecountTest {
    static TestCoffer coffer;
    static Http http;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        String suffix = Long.toHexString(System.nanoTime());
        coffer = TestCoffer.start(stack, dev.coffer.testing.TestCollections.SCANS.formatted(suffix) + """
                [collections.notes]
                table = "t-notes-%s"
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

    private static String create(String token, String collection, String json) {
        var response = http.request("POST", "/api/v1/collections/" + collection + "/items").bearer(token)
                .body(json.getBytes(StandardCharsets.UTF_8), "application/json").send();
        assertThat(response.status()).isEqualTo(201);
        return response.json().path(collection.equals("scans") ? "scan_id" : "note_id").asText();
    }

    @Test
    void twoUsers_filesAndItemsCreatedReplacedDeleted_countersMatchRecountExactly() {
        String alice = coffer.tokenFor("alice-recount");
        String bob = coffer.tokenFor("bob-recount");
        assertThat(upload(alice, "a/1.bin", 1000).status()).isEqualTo(200);
        assertThat(upload(alice, "a/2.bin", 2500).status()).isEqualTo(200);
        assertThat(upload(alice, "a/2.bin", 400).status()).isEqualTo(200);     // replaced, smaller
        assertThat(upload(alice, "a/3.bin", 10).status()).isEqualTo(200);
        assertThat(upload(alice, "a/3.bin", 7000).status()).isEqualTo(200);    // replaced, larger
        assertThat(http.request("DELETE", "/api/v1/files/a/1.bin").bearer(alice).send().status()).isEqualTo(204);
        assertThat(upload(bob, "b/1.bin", 123).status()).isEqualTo(200);

        String scan = create(alice, "scans", "{\"scan_date\":\"2026-01-01\",\"score\":3,\"note\":\"first\"}");
        create(alice, "scans", "{\"scan_date\":\"2026-01-02\",\"score\":4}");
        String note = create(alice, "notes", "{\"text\":\"hello\"}");
        create(bob, "notes", "{\"text\":\"bob's\"}");
        assertThat(http.request("PUT", "/api/v1/collections/scans/items/" + scan).bearer(alice)
                .body("{\"scan_date\":\"2026-01-01\",\"score\":3,\"note\":\"a much longer note than before\"}"
                        .getBytes(StandardCharsets.UTF_8), "application/json").send().status()).isEqualTo(200);
        assertThat(http.request("PATCH", "/api/v1/collections/notes/items/" + note).bearer(alice)
                .body("{\"text\":null,\"tag\":\"x\"}".getBytes(StandardCharsets.UTF_8), "application/merge-patch+json")
                .send().status()).isEqualTo(200);
        assertThat(http.request("DELETE", "/api/v1/collections/scans/items/" + scan).bearer(alice).send().status())
                .isEqualTo(204);

        Usage aliceUsage = coffer.server().usage().read(new UserId("alice-recount"));
        Usage bobUsage = coffer.server().usage().read(new UserId("bob-recount"));
        assertThat(aliceUsage.filesCount()).isEqualTo(2);
        assertThat(aliceUsage.filesBytes()).isEqualTo(7400);
        assertThat(aliceUsage.collection("scans").count()).isEqualTo(1);
        assertThat(aliceUsage.collection("notes").count()).isEqualTo(1);
        assertThat(bobUsage.filesCount()).isEqualTo(1);
        assertThat(bobUsage.filesBytes()).isEqualTo(123);
        assertThat(bobUsage.collection("notes").count()).isEqualTo(1);
        assertThat(bobUsage.collection("scans").count()).isZero();

        for (String user : new String[] {"alice-recount", "bob-recount"}) {
            Recount.Drift drift = coffer.server().usageRecount().recount(new UserId(user), false);
            assertThat(drift.differences()).as(user).isEmpty();
            assertThat(drift.counted()).as(user).isEqualTo(drift.measured());
        }
        assertThat(aliceUsage.collection("notes").bytes()).isPositive();
    }

    @Test
    void recount_afterCountersDrifted_reportsAndFixesTheDifference() {
        String carol = coffer.tokenFor("carol-recount");
        assertThat(upload(carol, "c.bin", 300).status()).isEqualTo(200);
        create(carol, "notes", "{\"text\":\"x\"}");
        var user = new UserId("carol-recount");
        // A write whose count was lost (e.g. a crash between the write and its counter update).
        coffer.server().usage().deleted(user, 300);

        Recount.Drift drift = coffer.server().usageRecount().recount(user, true);

        assertThat(drift.differences()).isEqualTo(Map.of("files_count", 1L, "files_bytes", 300L));
        assertThat(coffer.server().usageRecount().recount(user, false).drifted()).isFalse();
        assertThat(coffer.server().usage().read(user).filesBytes()).isEqualTo(300);
    }
}
