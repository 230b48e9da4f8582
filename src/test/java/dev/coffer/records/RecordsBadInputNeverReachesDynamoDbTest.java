package dev.coffer.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.ApiScenario;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests are refused by Coffer itself, with a 4xx that names the field: a counting proxy in
 * front of DynamoDB sees none of them. Every limit DynamoDB enforces (key sizes and types,
 * nesting, names, numbers, empty keys, BETWEEN order) has a row, as has every request that could
 * otherwise reach DynamoDB unchecked (login's email, a cursor of another query, an empty eq).
 */
@ExtendWith(SharedEmbeddedServers.class)
class RecordsBadInputNeverReachesDynamoDbTest {
    static final String ITEMS = "/api/v1/collections/scans/items";
    /** 513 two-byte characters: 1026 bytes of UTF-8, though only 513 characters. */
    static final String OVER_KEY_LIMIT = "\u00e9".repeat(513);
    static FaultProxy ddb;
    static TestCoffer coffer;
    static Http http;
    static String token;
    static String otherQueryCursor;

    @BeforeAll
    static void start(EmbeddedServers stack) throws Exception {
        ddb = FaultProxy.in(stack.dynamoDb().endpoint());
        var env = TestCoffer.remoteEnv(ddb.endpoint(), stack.s3().endpoint());
        // A clock that stands still: the caller's account check, read by the first request, stays
        // remembered, so every request counted below reaches storage only through its own input.
        coffer = TestCoffer.startRemote(TestCoffer.config(RecordsApiTest.TOML.formatted(Long.toHexString(System.nanoTime())), env), MutableClock.atNow());
        http = coffer.http();
        token = coffer.tokenFor("carol");
        for (String id : List.of("c-1", "c-2", "c-3")) {
            assertThat(http.request("POST", ITEMS).bearer(token).json(Map.of("scan_id", id)).send().status()).isEqualTo(201);
        }
        otherQueryCursor = http.get(ITEMS + "?from=c-1&to=c-3&limit=1", token).json().path("next_cursor").asText();
        assertThat(otherQueryCursor).isNotEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
        ddb.close();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {"n": {"a": {"a": ... "x"}}}: the value of n wrapped in {@code maps} maps. */
    static String nested(int maps, String open, String close) {
        return "{\"n\":" + open.repeat(maps) + "\"x\"" + close.repeat(maps) + "}";
    }

    static List<ApiScenario> scenarios() {
        String longItem = ITEMS + "/" + enc(OVER_KEY_LIMIT);
        return List.of(
                ApiScenario.of("unknown collection", "GET", "/api/v1/collections/nope/items").problem(404, "not_found"),
                ApiScenario.of("unknown index", "GET", ITEMS + "?index=nope").problem(400, "validation_failed").contains("'nope'"),
                ApiScenario.of("cursor not ours", "GET", ITEMS + "?cursor=not.valid").problem(400, "validation_failed").contains("'cursor'"),
                ApiScenario.of("body not an object", "POST", ITEMS).json("[]").problem(400, "validation_failed"),
                ApiScenario.of("body over server.max_body_bytes", "POST", ITEMS).json("{\"a\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")
                        .problem(413, "payload_too_large"),
                ApiScenario.of("item over 400 KB", "POST", ITEMS).json("{\"a\":\"" + "x".repeat(420 * 1024) + "\"}")
                        .problem(413, "payload_too_large").contains("limit is 409600"),
                ApiScenario.of("server-set attribute", "POST", ITEMS).json("{\"version\":7}").problem(400, "validation_failed")
                        .contains("'version'"),
                ApiScenario.of("no token", "POST", ITEMS).json("{\"a\":1}").anonymous().problem(401, "unauthorized"),

                // Key sizes are bytes of UTF-8, not characters.
                ApiScenario.of("item id over 1024 bytes: GET", "GET", longItem).problem(400, "validation_failed")
                        .contains("'scan_id'", "1026 bytes").notContains("ValidationException"),
                ApiScenario.of("item id over 1024 bytes: PUT", "PUT", longItem).json("{\"a\":1}").problem(400, "validation_failed")
                        .contains("'scan_id'"),
                ApiScenario.of("item id over 1024 bytes: PATCH", "PATCH", longItem).json("{\"a\":1}").problem(400, "validation_failed")
                        .contains("'scan_id'"),
                ApiScenario.of("item id over 1024 bytes: DELETE", "DELETE", longItem).problem(400, "validation_failed")
                        .contains("'scan_id'"),
                ApiScenario.of("item id over 1024 bytes in the body", "POST", ITEMS).json("{\"scan_id\":\"" + OVER_KEY_LIMIT + "\"}")
                        .problem(400, "validation_failed").contains("'scan_id'", "1026 bytes"),
                ApiScenario.of("empty item id in the body", "POST", ITEMS).json("{\"scan_id\":\"\"}")
                        .problem(400, "validation_failed").contains("'scan_id'", "empty"),
                ApiScenario.of("item id of another type", "POST", ITEMS).json("{\"scan_id\":12}")
                        .problem(400, "validation_failed").contains("'scan_id'"),
                ApiScenario.of("local index key over 1024 bytes", "POST", ITEMS).json("{\"scan_date\":\"" + "x".repeat(1025) + "\"}")
                        .problem(400, "validation_failed").contains("'scan_date'", "1025 bytes"),
                ApiScenario.of("local index key over 1024 bytes: PUT", "PUT", ITEMS + "/c-1")
                        .json("{\"scan_date\":\"" + "x".repeat(1025) + "\"}").problem(400, "validation_failed").contains("'scan_date'"),
                ApiScenario.of("local index key over 1024 bytes: PATCH", "PATCH", ITEMS + "/c-1")
                        .json("{\"scan_date\":\"" + "x".repeat(1025) + "\"}").problem(400, "validation_failed").contains("'scan_date'"),
                ApiScenario.of("empty index key", "POST", ITEMS).json("{\"scan_date\":\"\"}")
                        .problem(400, "validation_failed").contains("'scan_date'"),
                ApiScenario.of("null index key", "POST", ITEMS).json("{\"scan_date\":null}")
                        .problem(400, "validation_failed").contains("'scan_date'"),
                ApiScenario.of("null index key: PUT", "PUT", ITEMS + "/c-1").json("{\"score\":null}")
                        .problem(400, "validation_failed").contains("'score'"),
                ApiScenario.of("numeric index key of another type", "POST", ITEMS).json("{\"score\":\"high\"}")
                        .problem(400, "validation_failed").contains("'score'"),
                ApiScenario.of("string index key of another type: PATCH", "PATCH", ITEMS + "/c-1").json("{\"scan_date\":20260105}")
                        .problem(400, "validation_failed").contains("'scan_date'"),

                // Values DynamoDB cannot store.
                ApiScenario.of("nested 33 levels (maps)", "POST", ITEMS).json(nested(32, "{\"a\":", "}"))
                        .problem(400, "validation_failed").contains("32 levels"),
                ApiScenario.of("nested 33 levels (lists)", "POST", ITEMS).json(nested(32, "[", "]"))
                        .problem(400, "validation_failed").contains("32 levels"),
                ApiScenario.of("nested 33 levels: PATCH", "PATCH", ITEMS + "/c-1").json(nested(32, "{\"a\":", "}"))
                        .problem(400, "validation_failed").contains("32 levels"),
                ApiScenario.of("attribute name over 32 KiB", "POST", ITEMS).json("{\"" + "k".repeat(32 * 1024 + 1) + "\":1}")
                        .problem(400, "validation_failed").contains("attribute name"),
                ApiScenario.of("nested attribute name over 32 KiB", "POST", ITEMS).json("{\"m\":{\"" + "k".repeat(32 * 1024 + 1) + "\":1}}")
                        .problem(400, "validation_failed").contains("attribute name"),
                ApiScenario.of("lone surrogate in a string", "POST", ITEMS).json("{\"s\":\"a\\ud800b\"}")
                        .problem(400, "validation_failed").contains("'s'", "Unicode"),
                // Jackson itself refuses a lone surrogate in a name; DynamoDbLimits checks names as well.
                ApiScenario.of("lone surrogate in a name", "POST", ITEMS).json("{\"a\\ud800\":1}")
                        .problem(400, "invalid_json"),
                ApiScenario.of("number of 39 digits", "POST", ITEMS).json("{\"n\":123456789012345678901234567890123456789}")
                        .problem(400, "validation_failed").contains("'n'", "38"),
                ApiScenario.of("number over 9.99E+125", "POST", ITEMS).json("{\"n\":1E+126}")
                        .problem(400, "validation_failed").contains("'n'"),

                // Query values are key values too.
                ApiScenario.of("eq over 1024 bytes", "GET", ITEMS + "?eq=" + enc(OVER_KEY_LIMIT))
                        .problem(400, "validation_failed").contains("'eq'", "1026 bytes"),
                ApiScenario.of("from over 1024 bytes", "GET", ITEMS + "?from=" + enc(OVER_KEY_LIMIT))
                        .problem(400, "validation_failed").contains("'from'"),
                ApiScenario.of("to over 1024 bytes", "GET", ITEMS + "?from=a&to=" + enc(OVER_KEY_LIMIT))
                        .problem(400, "validation_failed").contains("'to'"),
                ApiScenario.of("prefix over 1024 bytes", "GET", ITEMS + "?prefix=" + enc(OVER_KEY_LIMIT))
                        .problem(400, "validation_failed").contains("'prefix'"),
                ApiScenario.of("index eq over 1024 bytes", "GET", ITEMS + "?index=scan-date-index&eq=" + "d".repeat(1025))
                        .problem(400, "validation_failed").contains("'eq'"),
                ApiScenario.of("numeric index eq out of range", "GET", ITEMS + "?index=score-index&eq=1e400")
                        .problem(400, "validation_failed").contains("'eq'"),
                ApiScenario.of("numeric index eq of 39 digits", "GET", ITEMS + "?index=score-index&eq=123456789012345678901234567890123456789")
                        .problem(400, "validation_failed").contains("'eq'"),
                ApiScenario.of("numeric index from not a number", "GET", ITEMS + "?index=score-index&from=x")
                        .problem(400, "validation_failed").contains("'from'"),
                ApiScenario.of("empty eq", "GET", ITEMS + "?eq=").problem(400, "validation_failed").contains("'eq'"),
                ApiScenario.of("empty prefix", "GET", ITEMS + "?prefix=").problem(400, "validation_failed").contains("'prefix'"),
                ApiScenario.of("empty from", "GET", ITEMS + "?from=&to=c").problem(400, "validation_failed").contains("'from'"),
                ApiScenario.of("empty index", "GET", ITEMS + "?index=&eq=x").problem(400, "validation_failed").contains("'index'"),
                ApiScenario.of("empty limit", "GET", ITEMS + "?limit=").problem(400, "validation_failed").contains("'limit'"),
                ApiScenario.of("limit over 1000", "GET", ITEMS + "?limit=1001").problem(400, "validation_failed").contains("limit"),
                ApiScenario.of("from after to in UTF-8 order", "GET", ITEMS + "?from=" + enc("\ud83d\ude00") + "&to=" + enc("\ufffd"))
                        .problem(400, "validation_failed").contains("'from'"),
                ApiScenario.of("cursor of another query", "GET", ITEMS + "?from=c-2&to=c-3&limit=1&cursor={cursor}")
                        .problem(400, "validation_failed").contains("'cursor'"),
                ApiScenario.of("cursor of another order", "GET", ITEMS + "?from=c-1&to=c-3&limit=1&order=desc&cursor={cursor}")
                        .problem(400, "validation_failed").contains("'cursor'"),

                // Preconditions are parsed before the item is read.
                ApiScenario.of("If-Match not an ETag", "PUT", ITEMS + "/c-1").header("If-Match", "3").json("{\"a\":1}")
                        .problem(400, "validation_failed").contains("'If-Match'"),
                ApiScenario.of("If-None-Match not an ETag", "GET", ITEMS + "/c-1").header("If-None-Match", "\"1")
                        .problem(400, "validation_failed").contains("'If-None-Match'"),

                // Login validates its email as register does: an address no account can have never reaches the users table.
                ApiScenario.of("login with an over-long email", "POST", "/api/v1/auth/login").anonymous()
                        .json("{\"email\":\"" + "a".repeat(3000) + "@example.com\",\"password\":\"whatever-it-is\"}")
                        .problem(400, "validation_failed").contains("'email'"),
                ApiScenario.of("login with a malformed email", "POST", "/api/v1/auth/login").anonymous()
                        .json("{\"email\":\"not-an-email\",\"password\":\"whatever-it-is\"}")
                        .problem(400, "validation_failed").contains("'email'"),
                ApiScenario.of("login without an email", "POST", "/api/v1/auth/login").anonymous()
                        .json("{\"password\":\"whatever-it-is\"}")
                        .problem(400, "validation_failed").contains("'email'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void badRequest_refusedNamingTheField_zeroDynamoDbCalls(ApiScenario scenario) {
        int before = ddb.passedRequests();

        scenario.run(http, token, url -> url.replace("{cursor}", enc(otherQueryCursor)));

        assertThat(ddb.passedRequests()).as(scenario.name()).isEqualTo(before);
    }

    @Test
    void backendFault_502_causeLoggedWithRequestIdNotSentToClient() {
        try (var log = LogCapture.start()) {
            ddb.mode(FaultProxy.Mode.REFUSE_DYNAMODB);
            Http.Response answer;
            try {
                answer = http.request("POST", ITEMS).bearer(token).json(Map.of("note", "fine")).send();
            } finally {
                ddb.mode(FaultProxy.Mode.PASS);
            }

            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.json().path("code").asText()).isEqualTo("aws_error");
            assertThat(answer.body()).doesNotContain(FaultProxy.REFUSAL_MESSAGE);
            String requestId = answer.json().path("request_id").asText();
            assertThat(log.text().lines().filter(line -> line.contains(requestId) && line.contains(FaultProxy.REFUSAL_MESSAGE)))
                    .as(log.text()).hasSize(1);
        }
    }
}
