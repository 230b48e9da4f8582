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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each query form with pagination, both index kinds, and that no query reaches another user's items. */
@ExtendWith(SharedEmbeddedServers.class)
class RecordsQueryAndIsolationTest {
    static TestCoffer coffer;
    static Http http;
    static String alice;
    static String bob;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, RecordsApiTest.TOML.formatted(Long.toHexString(System.nanoTime())), Map.of());
        http = coffer.http();
        alice = coffer.tokenFor("alice");
        bob = coffer.tokenFor("bob");
        // 25 items for alice over 25 days, scores 0..24; 3 for bob on the same days.
        for (int i = 0; i < 25; i++) {
            String day = "2026-01-%02d".formatted(i + 1);
            create(alice, Map.of("scan_id", "a-%02d".formatted(i), "scan_date", day, "score", i, "kind", i % 2 == 0 ? "even" : "odd"));
        }
        for (int i = 0; i < 3; i++) {
            create(bob, Map.of("scan_id", "b-%02d".formatted(i), "scan_date", "2026-01-%02d".formatted(i + 1), "score", i));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static void create(String token, Map<String, Object> body) {
        Http.Response r = http.request("POST", "/api/v1/collections/scans/items").bearer(token).json(body).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** Follows next_cursor until the end, returning every id in order and the number of pages. */
    static List<String> all(String token, String query, String field, int[] pages) {
        var ids = new ArrayList<String>();
        String cursor = null;
        pages[0] = 0;
        do {
            String url = "/api/v1/collections/scans/items?" + query + (cursor == null ? "" : "&cursor=" + enc(cursor));
            Http.Response r = http.get(url, token);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            r.json().path("items").forEach(item -> ids.add(item.path(field).asText()));
            JsonNode next = r.json().path("next_cursor");
            cursor = next.isNull() || next.isMissingNode() ? null : next.asText();
            pages[0]++;
        } while (cursor != null && pages[0] < 50);
        return ids;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void sortKeyRange_pagesOfSevenAcrossFourPages_inOrder() {
        int[] pages = new int[1];
        List<String> ids = all(alice, "from=a-03&to=a-20&limit=7", "scan_id", pages);

        assertThat(ids).hasSize(18).first().isEqualTo("a-03");
        assertThat(ids).last().isEqualTo("a-20");
        assertThat(ids).isSorted();
        assertThat(pages[0]).isGreaterThanOrEqualTo(3);
    }

    @Test
    void sortKeyPrefixAndEq() {
        int[] pages = new int[1];
        assertThat(all(alice, "prefix=a-1&limit=4", "scan_id", pages)).containsExactly(
                "a-10", "a-11", "a-12", "a-13", "a-14", "a-15", "a-16", "a-17", "a-18", "a-19");
        assertThat(pages[0]).isGreaterThan(1);
        assertThat(all(alice, "eq=a-07", "scan_id", pages)).containsExactly("a-07");
    }

    @Test
    void localIndex_dateRangeNewestFirst_acrossPages() {
        int[] pages = new int[1];
        List<String> dates = all(alice, "index=scan-date-index&from=2026-01-05&to=2026-01-16&order=desc&limit=5", "scan_date", pages);

        assertThat(dates).hasSize(12).first().isEqualTo("2026-01-16");
        assertThat(dates).last().isEqualTo("2026-01-05");
        assertThat(dates).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(pages[0]).isGreaterThanOrEqualTo(3);
    }

    @Test
    void globalIndex_numericRangeAndEq_onlyCallersItems() {
        int[] pages = new int[1];
        List<String> scores = all(alice, "index=score-index&from=2&to=11&limit=4", "score", pages);
        assertThat(scores).containsExactly("2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        assertThat(all(bob, "index=score-index&eq=2", "scan_id", pages)).containsExactly("b-02");
        assertThat(http.get("/api/v1/collections/scans/items?index=score-index&from=x", alice).status()).isEqualTo(400);
    }

    @Test
    void isolation_bobCannotReadUpdateDeleteOrListAlicesItems() {
        assertThat(http.get("/api/v1/collections/scans/items/a-01", bob).status()).isEqualTo(404);
        assertThat(http.request("PUT", "/api/v1/collections/scans/items/a-01").bearer(bob).json(Map.of("x", 1)).send().status())
                .isEqualTo(404);
        assertThat(http.request("PATCH", "/api/v1/collections/scans/items/a-01").bearer(bob).json(Map.of("x", 1)).send().status())
                .isEqualTo(404);
        assertThat(http.request("DELETE", "/api/v1/collections/scans/items/a-01").bearer(bob).send().status()).isEqualTo(404);
        int[] pages = new int[1];
        assertThat(all(bob, "limit=100", "scan_id", pages)).containsExactly("b-00", "b-01", "b-02");
        assertThat(all(bob, "index=scan-date-index&limit=100", "user_id", pages)).containsOnly("bob");
        assertThat(all(bob, "prefix=a-", "scan_id", pages)).isEmpty();
        // Alice's item is untouched.
        assertThat(http.get("/api/v1/collections/scans/items/a-01", alice).json().path("version").asLong()).isEqualTo(1);
    }

    @Test
    void isolation_userIdInBody_refusedNotTrusted() {
        Http.Response r = http.request("POST", "/api/v1/collections/scans/items").bearer(bob)
                .json(Map.of("scan_id", "sneaky", "user_id", "alice")).send();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("detail").asText()).isEqualTo("'user_id' is set by the server; leave it out");
        assertThat(http.get("/api/v1/collections/scans/items/sneaky", alice).status()).isEqualTo(404);
    }

    @Test
    void isolation_alicesCursor_refusedForBob() {
        Http.Response page = http.get("/api/v1/collections/scans/items?limit=2", alice);
        String cursor = page.json().path("next_cursor").asText();
        assertThat(cursor).isNotEmpty();

        Http.Response stolen = http.get("/api/v1/collections/scans/items?limit=2&cursor=" + enc(cursor), bob);
        Http.Response otherIndex = http.get("/api/v1/collections/scans/items?index=scan-date-index&limit=2&cursor=" + enc(cursor), alice);
        String tampered = cursor.substring(0, cursor.indexOf('.') - 2) + "AA" + cursor.substring(cursor.indexOf('.'));
        Http.Response forged = http.get("/api/v1/collections/scans/items?limit=2&cursor=" + enc(tampered), alice);

        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.json().path("detail").asText()).isEqualTo("'cursor' is not valid for this query: a cursor continues only the query that returned it");
        assertThat(otherIndex.status()).isEqualTo(400);
        assertThat(forged.status()).isEqualTo(400);
        assertThat(http.get("/api/v1/collections/scans/items?cursor=garbage", alice).status()).isEqualTo(400);
    }

    @Test
    void badInput_refusedBeforeDynamoDb() {
        assertThat(http.get("/api/v1/collections/nope/items", alice).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/collections/scans/items?index=nope", alice).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/collections/scans/items?limit=0", alice).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/collections/scans/items?limit=abc", alice).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/collections/scans/items?eq=a&prefix=b", alice).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/collections/scans/items?order=sideways", alice).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/collections/scans/items?unknown=1", alice).status()).isEqualTo(400);
        assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(alice).json("[1,2]").send().status()).isEqualTo(400);
        assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(alice).json("\"text\"").send().status()).isEqualTo(400);
        assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(alice).json(Map.of("score", "high")).send().status())
                .isEqualTo(400);
        String huge = "{\"blob\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(alice).json(huge).send().status()).isEqualTo(413);
        String overItemLimit = "{\"blob\":\"" + "x".repeat(420 * 1024) + "\"}";
        Http.Response tooBig = http.request("POST", "/api/v1/collections/scans/items").bearer(alice).json(overItemLimit).send();
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.json().path("detail").asText()).contains("limit is 409600");
        assertThat(http.request("POST", "/api/v1/collections/scans/items").json(Map.of("a", 1)).send().status()).isEqualTo(401);
    }
}
