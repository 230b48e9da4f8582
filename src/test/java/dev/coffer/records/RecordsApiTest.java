package dev.coffer.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records end to end over HTTP on the embedded DynamoDB Local. */
@ExtendWith(SharedEmbeddedServers.class)
class RecordsApiTest {
    static final String TOML = dev.coffer.testing.TestCollections.SCANS;
    static TestCoffer coffer;
    static Http http;
    static String alice;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, TOML.formatted(Long.toHexString(System.nanoTime())), Map.of());
        http = coffer.http();
        alice = coffer.tokenFor("alice");
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Http.Response post(String token, Object body) {
        return http.request("POST", "/api/v1/collections/scans/items").bearer(token).json(body).send();
    }

    @Test
    void create_withoutId_serverSetsKeysTimesAndVersion() {
        Http.Response created = post(alice, Map.of("scan_date", "2026-01-05", "note", "mole on arm"));

        assertThat(created.status()).isEqualTo(201);
        JsonNode item = created.json();
        assertThat(item.path("user_id").asText()).isEqualTo("alice");
        assertThat(item.path("scan_id").asText()).matches("[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(item.path("version").asLong()).isEqualTo(1);
        assertThat(item.path("created_at").asText()).isEqualTo(item.path("updated_at").asText());
        assertThat(created.header("ETag")).contains("\"1\"");
        assertThat(created.header("Location")).contains("/api/v1/collections/scans/items/" + item.path("scan_id").asText());
    }

    @Test
    void generatedIds_timeOrderedAndUnpredictable() {
        String first = post(alice, Map.of("n", 1)).json().path("scan_id").asText();
        String second = post(alice, Map.of("n", 2)).json().path("scan_id").asText();
        assertThat(second).isGreaterThan(first);
        // The random half (last 16 characters) must not repeat the time half, as it would with a clock for randomness.
        assertThat(first.substring(10)).doesNotContain(first.substring(0, 8));
    }

    @Test
    void readReplaceDelete_roundTrip() {
        String id = post(alice, Map.of("scan_id", "crud-1", "note", "first")).json().path("scan_id").asText();
        assertThat(id).isEqualTo("crud-1");

        Http.Response read = http.get("/api/v1/collections/scans/items/crud-1", alice);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("note").asText()).isEqualTo("first");

        Http.Response replaced = http.request("PUT", "/api/v1/collections/scans/items/crud-1").bearer(alice)
                .json(Map.of("other", true)).send();
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().has("note")).isFalse();
        assertThat(replaced.json().path("other").asBoolean()).isTrue();
        assertThat(replaced.json().path("version").asLong()).isEqualTo(2);
        assertThat(replaced.json().path("created_at").asText()).isEqualTo(read.json().path("created_at").asText());

        assertThat(http.request("DELETE", "/api/v1/collections/scans/items/crud-1").bearer(alice).send().status()).isEqualTo(204);
        assertThat(http.get("/api/v1/collections/scans/items/crud-1", alice).status()).isEqualTo(404);
        assertThat(http.request("DELETE", "/api/v1/collections/scans/items/crud-1").bearer(alice).send().status()).isEqualTo(404);
    }

    @Test
    void anyJson_roundTripsExactly() {
        String body = "{\"scan_id\":\"json-1\",\"big\":123456789012345678901234567890,\"pi\":3.14159265358979323846264338327950288,"
                + "\"neg\":-0.000001,\"nested\":{\"list\":[1,\"two\",null,false,{\"deep\":[]}],\"empty\":\"\"},\"nothing\":null,"
                + "\"unicode\":\"h\u00e9llo \ud83d\udc4b\"}";
        assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(alice).json(body).send().status()).isEqualTo(201);

        JsonNode item = http.get("/api/v1/collections/scans/items/json-1", alice).json();

        assertThat(item.path("big").bigIntegerValue()).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
        assertThat(item.path("pi").decimalValue()).isEqualByComparingTo("3.14159265358979323846264338327950288");
        assertThat(item.path("neg").decimalValue()).isEqualByComparingTo("-0.000001");
        assertThat(item.path("nested").toString()).isEqualTo("{\"list\":[1,\"two\",null,false,{\"deep\":[]}],\"empty\":\"\"}");
        assertThat(item.get("nothing").isNull()).isTrue();
        assertThat(item.path("unicode").asText()).isEqualTo("h\u00e9llo \ud83d\udc4b");
    }

    @Test
    void mergePatch_mergesRemovesAndKeepsTheRest() {
        post(alice, Map.of("scan_id", "patch-1", "a", 1, "b", Map.of("x", 1, "y", 2), "c", "keep"));

        Http.Response patched = http.request("PATCH", "/api/v1/collections/scans/items/patch-1").bearer(alice)
                .header("Content-Type", "application/merge-patch+json").json("{\"a\":null,\"b\":{\"y\":null,\"z\":3},\"d\":[1]}").send();

        assertThat(patched.status()).isEqualTo(200);
        JsonNode item = patched.json();
        assertThat(item.has("a")).isFalse();
        assertThat(item.path("b").toString()).isEqualTo("{\"x\":1,\"z\":3}");
        assertThat(item.path("c").asText()).isEqualTo("keep");
        assertThat(item.path("d").toString()).isEqualTo("[1]");
        assertThat(item.path("version").asLong()).isEqualTo(2);
    }

    @Test
    void ifMatch_staleVersion_412AndNothingChanged() {
        post(alice, Map.of("scan_id", "cc-1", "n", 0));
        Http.Response first = http.request("PATCH", "/api/v1/collections/scans/items/cc-1").bearer(alice)
                .header("If-Match", "\"1\"").json(Map.of("n", 1)).send();
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("ETag")).contains("\"2\"");

        Http.Response stale = http.request("PUT", "/api/v1/collections/scans/items/cc-1").bearer(alice)
                .header("If-Match", "\"1\"").json(Map.of("n", 99)).send();
        Http.Response staleDelete = http.request("DELETE", "/api/v1/collections/scans/items/cc-1").bearer(alice)
                .header("If-Match", "\"1\"").send();

        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.json().path("code").asText()).isEqualTo("precondition_failed");
        assertThat(staleDelete.status()).isEqualTo(412);
        assertThat(http.get("/api/v1/collections/scans/items/cc-1", alice).json().path("n").asInt()).isEqualTo(1);
        assertThat(http.request("GET", "/api/v1/collections/scans/items/cc-1").bearer(alice)
                .header("If-None-Match", "\"2\"").send().status()).isEqualTo(304);
    }

    @Test
    void concurrentPatchesWithoutIfMatch_noUpdateLost() throws Exception {
        post(alice, Map.of("scan_id", "race-1"));
        List<Thread> threads = new ArrayList<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 8; i++) {
            String field = "f" + i;
            threads.add(Thread.ofVirtual().start(() -> statuses.add(http.request("PATCH", "/api/v1/collections/scans/items/race-1")
                    .bearer(alice).json(Map.of(field, true)).send().status())));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(statuses).hasSize(8).containsOnly(200);
        JsonNode item = http.get("/api/v1/collections/scans/items/race-1", alice).json();
        for (int i = 0; i < 8; i++) {
            assertThat(item.path("f" + i).asBoolean()).as("field f" + i).isTrue();
        }
        assertThat(item.path("version").asLong()).isEqualTo(9);
    }

    @Test
    void create_existingId_409() {
        post(alice, Map.of("scan_id", "dup-1"));
        Http.Response again = post(alice, Map.of("scan_id", "dup-1"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asText()).isEqualTo("conflict");
    }

    @Test
    void ttlAttribute_storedAsNumberAndTableTtlEnabled() {
        long expires = 1_900_000_000L;
        post(alice, Map.of("scan_id", "ttl-1", "expires_at", expires));
        var stored = coffer.server().clients().dynamoDb().getItem(b -> b.tableName(table())
                .key(Map.of("user_id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("alice"),
                        "scan_id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("ttl-1")))).item();
        assertThat(stored.get("expires_at").n()).isEqualTo(Long.toString(expires));
        var ttl = coffer.server().clients().dynamoDb().describeTimeToLive(b -> b.tableName(table())).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo("expires_at");
        assertThat(ttl.timeToLiveStatusAsString()).isIn("ENABLED", "ENABLING");
        assertThat(post(alice, Map.of("scan_id", "ttl-2", "expires_at", "tomorrow")).status()).isEqualTo(400);
    }

    static String table() {
        return coffer.server().config().collections().get("scans").table();
    }
}
