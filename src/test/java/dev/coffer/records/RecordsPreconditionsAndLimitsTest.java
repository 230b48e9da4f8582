package dev.coffer.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP semantics under concurrency (RFC 9110 preconditions, last writer wins without them), and
 * that DynamoDB's limits are enforced exactly: values right at each limit are stored.
 */
@ExtendWith(SharedEmbeddedServers.class)
class RecordsPreconditionsAndLimitsTest {
    static final String ITEMS = "/api/v1/collections/scans/items";
    static TestCoffer coffer;
    static Http http;
    static String dana;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, RecordsApiTest.TOML.formatted(Long.toHexString(System.nanoTime())), Map.of());
        http = coffer.http();
        dana = coffer.tokenFor("dana");
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Http.Response create(Object body) {
        return http.request("POST", ITEMS).bearer(dana).json(body).send();
    }

    static Http.Request request(String method, String id) {
        return http.request(method, ITEMS + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8)).bearer(dana);
    }

    @Test
    void concurrentPutsWithoutIfMatch_everyOneAnswers200_lastWriterWins() throws Exception {
        assertThat(create(Map.of("scan_id", "race-put")).status()).isEqualTo(201);
        int writers = 32;
        List<Http.Response> answers = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int writer = i;
            threads.add(Thread.ofVirtual().start(() -> answers.add(request("PUT", "race-put")
                    .json(Map.of("writer", writer, "label", "body of writer " + writer)).send())));
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(answers).hasSize(writers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
        JsonNode item = request("GET", "race-put").send().json();
        int winner = item.path("writer").asInt();
        assertThat(winner).isBetween(0, writers - 1);
        assertThat(item.path("label").asText()).isEqualTo("body of writer " + winner);
        assertThat(item.path("version").asLong()).isEqualTo(writers + 1L);
        assertThat(answers).extracting(a -> a.json().path("version").asLong()).doesNotHaveDuplicates();
    }

    @Test
    void ifMatch_weakTagNeverMatches_412AndNothingChanged() {
        create(Map.of("scan_id", "weak", "n", 0));

        Http.Response put = request("PUT", "weak").header("If-Match", "W/\"1\"").json(Map.of("n", 1)).send();
        Http.Response patch = request("PATCH", "weak").header("If-Match", "W/\"1\"").json(Map.of("n", 2)).send();
        Http.Response delete = request("DELETE", "weak").header("If-Match", "W/\"1\"").send();

        assertThat(put.status()).isEqualTo(412);
        assertThat(put.json().path("code").asText()).isEqualTo("precondition_failed");
        assertThat(patch.status()).isEqualTo(412);
        assertThat(delete.status()).isEqualTo(412);
        JsonNode item = request("GET", "weak").send().json();
        assertThat(item.path("n").asInt()).isZero();
        assertThat(item.path("version").asLong()).isEqualTo(1);
    }

    @Test
    void ifMatch_listsAndStar_matchAnyListedVersion() {
        create(Map.of("scan_id", "listed", "n", 0));

        Http.Response listed = request("PUT", "listed").header("If-Match", "\"7\", W/\"2\", \"1\"").json(Map.of("n", 1)).send();
        Http.Response star = request("PATCH", "listed").header("If-Match", "*").json(Map.of("n", 2)).send();
        Http.Response staleList = request("PUT", "listed").header("If-Match", "\"1\",\"2\"").json(Map.of("n", 9)).send();
        Http.Response deleted = request("DELETE", "listed").header("If-Match", "\"1\", \"3\"").send();

        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(star.status()).isEqualTo(200);
        assertThat(star.header("ETag")).contains("\"3\"");
        assertThat(staleList.status()).isEqualTo(412);
        assertThat(deleted.status()).isEqualTo(204);
        // RFC 9110 13.2.1: without the precondition the answer would be 404, so it is 404.
        assertThat(request("PUT", "listed").header("If-Match", "*").json(Map.of("n", 1)).send().status()).isEqualTo(404);
    }

    @Test
    void ifNoneMatch_weakComparisonListsAndStar_304OnGetAndHead() {
        create(Map.of("scan_id", "cached"));

        for (String value : List.of("\"1\"", "W/\"1\"", "\"5\", \"1\"", "*")) {
            Http.Response get = request("GET", "cached").header("If-None-Match", value).send();
            Http.Response head = request("HEAD", "cached").header("If-None-Match", value).send();
            assertThat(get.status()).as(value).isEqualTo(304);
            assertThat(get.header("ETag")).as(value).contains("\"1\"");
            assertThat(head.status()).as(value).isEqualTo(304);
        }
        Http.Response changed = request("GET", "cached").header("If-None-Match", "\"2\", W/\"3\"").send();
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("scan_id").asText()).isEqualTo("cached");
    }

    @Test
    void valuesAtDynamoDbsLimits_stored() {
        String id = "\u00e9".repeat(512); // 1024 bytes of UTF-8
        String date = "d".repeat(1024);
        String nested = "{\"scan_id\":\"deep\",\"n\":" + "{\"a\":".repeat(31) + "\"x\"" + "}".repeat(31) + "}";

        Http.Response atKeyLimits = create(Map.of("scan_id", id, "scan_date", date, "k".repeat(32 * 1024), 1));
        Http.Response deep = http.request("POST", ITEMS).bearer(dana).json(nested).send();

        assertThat(atKeyLimits.status()).as(atKeyLimits.body()).isEqualTo(201);
        assertThat(request("GET", id).send().json().path("scan_date").asText()).isEqualTo(date);
        assertThat(deep.status()).as(deep.body()).isEqualTo(201);
        assertThat(request("GET", "deep").send().json().path("n").toString()).isEqualTo(nested.substring(nested.indexOf("\"n\":") + 4,
                nested.length() - 1));
        assertThat(http.get(ITEMS + "?index=scan-date-index&eq=" + date, dana).json().path("items")).hasSize(1);
    }

    @Test
    void stringRange_comparedInDynamoDbsUtf8Order() {
        // U+FFFD sorts before U+1F600 in UTF-8 (EF.. < F0..), though after its surrogates in UTF-16.
        create(Map.of("scan_id", "\ufffd-replacement"));
        create(Map.of("scan_id", "\ud83d\ude00-smile"));

        Http.Response range = http.get(ITEMS + "?from=" + URLEncoder.encode("\ufffd", StandardCharsets.UTF_8) + "&to="
                + URLEncoder.encode("\ud83d\ude00\uffff", StandardCharsets.UTF_8), dana);

        assertThat(range.status()).as(range.body()).isEqualTo(200);
        assertThat(range.json().path("items")).extracting(item -> item.path("scan_id").asText())
                .containsExactly("\ufffd-replacement", "\ud83d\ude00-smile");
    }

    @Test
    void cursor_continuesOnlyItsOwnQuery_anyPageSize() {
        for (int i = 0; i < 6; i++) {
            create(Map.of("scan_id", "page-" + i));
        }
        String cursor = http.get(ITEMS + "?prefix=page-&limit=2", dana).json().path("next_cursor").asText();
        String encoded = URLEncoder.encode(cursor, StandardCharsets.UTF_8);

        Http.Response samePageSize = http.get(ITEMS + "?prefix=page-&limit=2&cursor=" + encoded, dana);
        Http.Response otherPageSize = http.get(ITEMS + "?prefix=page-&limit=10&cursor=" + encoded, dana);
        Http.Response otherPrefix = http.get(ITEMS + "?prefix=page-4&limit=2&cursor=" + encoded, dana);
        Http.Response noPrefix = http.get(ITEMS + "?limit=2&cursor=" + encoded, dana);

        assertThat(samePageSize.json().path("items")).extracting(item -> item.path("scan_id").asText())
                .containsExactly("page-2", "page-3");
        assertThat(otherPageSize.json().path("items")).extracting(item -> item.path("scan_id").asText())
                .containsExactly("page-2", "page-3", "page-4", "page-5");
        assertThat(otherPrefix.status()).isEqualTo(400);
        assertThat(otherPrefix.json().path("detail").asText()).contains("'cursor'");
        assertThat(noPrefix.status()).isEqualTo(400);
    }
}
