package dev.coffer.http;

import dev.coffer.identity.Authentication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.config.ServerConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.testing.Http;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every error the HTTP edge produces is RFC 9457 problem JSON, and none leaks internals. */
class ProblemResponsesTest {
    record Echo(String name, int count) {
    }

    private static final String INTERNAL_DETAIL = "db password is hunter2 at Foo.java:42";
    private static final CountDownLatch ENTERED = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static HttpServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        JsonBodies bodies = new JsonBodies(1024);
        ApiModule testRoutes = routes -> {
            routes.post("/echo", Access.PUBLIC, ctx -> ctx.json(bodies.read(ctx, Echo.class)));
            routes.get("/boom", Access.PUBLIC, ctx -> {
                throw new IllegalStateException(INTERNAL_DETAIL);
            });
            routes.get("/conflict", Access.PUBLIC, ctx -> {
                throw new CofferException(ErrorCode.CONFLICT, "the item changed", "reload it");
            });
            routes.get("/big", Access.PUBLIC, ctx -> ctx.json(Map.of("text", "coffer ".repeat(1000))));
            routes.get("/echo/{id}", Access.PUBLIC, ctx -> ctx.json(Map.of("id", ctx.pathParam("id"))));
            routes.get("/slow", Access.PUBLIC, ctx -> {
                ENTERED.countDown();
                RELEASE.await(30, TimeUnit.SECONDS);
                ctx.json(Map.of("done", true));
            });
        };
        server = HttpServer.start(new ServerConfig("127.0.0.1", 0, 1024, 1, ServerConfig.DEFAULT_IDLE_TIMEOUT),
                (authorization, onBehalfOf) -> new Authentication.Refused("no callers in this test"), List.of(testRoutes));
        http = new Http(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertProblem(Http.Response response, int status, String code) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode body = response.json();
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("type").asText()).isEqualTo("https://coffer.dev/problems/" + code.replace('_', '-'));
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
        assertThat(body.path("request_id").asText()).isEqualTo(response.header("X-Request-Id").orElseThrow());
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.coffer");
    }

    @Test
    void unknownRoute_404Problem() {
        assertProblem(http.get("/no/such/thing"), 404, "not_found");
    }

    @Test
    void wrongMethod_405Problem() {
        assertProblem(http.request("DELETE", "/echo").send(), 405, "method_not_allowed");
    }

    @Test
    void wrongMethod_405NamesTheAllowedMethods() {
        assertThat(http.request("PUT", "/echo").json("{}").send().header("Allow")).contains("POST");
    }

    @Test
    void head_onAGetRoute_headersWithoutBody() throws Exception {
        String answer = dev.coffer.testing.RawHttp.exchange(server.port(),
                "HEAD /echo/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-type: application/json")
                .endsWith("\r\n\r\n");
    }

    @Test
    void pathParameter_decodedStrictlyWithPlusKept_malformedOrNonUtf8A400Problem() throws Exception {
        assertThat(http.get("/echo/a%20b+c").json().path("id").asText()).isEqualTo("a b+c");
        assertThat(http.get("/echo/caf%C3%A9").json().path("id").asText()).isEqualTo("café");
        for (String raw : new String[] {"/echo/%zz", "/echo/%ff", "/echo/%c3"}) {
            // A malformed escape, a byte that is not UTF-8, a sequence cut short: refused, never U+FFFD.
            String answer = dev.coffer.testing.RawHttp.get(server.port(), raw);
            assertThat(answer).as(raw).startsWith("HTTP/1.1 400 ").containsIgnoringCase("content-type: application/problem+json")
                    .doesNotContain("Exception").doesNotContain("\uFFFD");
        }
    }

    @Test
    void largeJson_gzippedOnlyForClientsThatAskForIt() throws Exception {
        Http.Response plain = http.get("/big");
        assertThat(plain.header("Content-Encoding")).isEmpty();
        Http.Response gzipped = http.request("GET", "/big").header("Accept-Encoding", "gzip").send();
        assertThat(gzipped.header("Content-Encoding")).contains("gzip");
        assertThat(gzipped.bytes().length).isLessThan(plain.bytes().length / 10);
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.bytes()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.bytes());
        }
        // Small answers are not worth compressing.
        assertThat(http.request("GET", "/echo/x").header("Accept-Encoding", "gzip").send().header("Content-Encoding")).isEmpty();
    }

    @Test
    void bodyOverLimitNotRead_answerStillArrives() {
        // Refused on its declared length before a byte of it is read; the server reads and drops
        // the rest so the client, still sending, is not reset before it can read the answer.
        String huge = "{\"name\":\"" + "x".repeat(3 * 1024 * 1024) + "\",\"count\":1}";
        for (int i = 0; i < 3; i++) {
            assertProblem(http.request("POST", "/echo").json(huge).send(), 413, "payload_too_large");
        }
    }

    @Test
    void bodyOverLimitAnnounced_413WithoutAskingForTheBody() throws Exception {
        // The client waits for "100 Continue" before sending 3 MB; it gets the refusal instead.
        String answer = dev.coffer.testing.RawHttp.exchange(server.port(), "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 3145728\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue").contains("payload_too_large");
    }

    @Test
    void bodyOverLimit_413Problem() {
        String big = "{\"name\":\"" + "x".repeat(2000) + "\",\"count\":1}";
        assertProblem(http.request("POST", "/echo").json(big).send(), 413, "payload_too_large");
    }

    @Test
    void malformedJson_400Problem() {
        assertProblem(http.request("POST", "/echo").json("{\"name\": ").send(), 400, "invalid_json");
    }

    @Test
    void unknownField_400ProblemNamingTheField() {
        Http.Response response = http.request("POST", "/echo").json(Map.of("name", "a", "count", 1, "admin", true)).send();
        assertProblem(response, 400, "validation_failed");
        assertThat(response.json().path("detail").asText()).isEqualTo("unknown field 'admin'");
    }

    @Test
    void wrongContentType_415Problem() {
        assertProblem(http.request("POST", "/echo").body("name=a".getBytes(), "application/x-www-form-urlencoded").send(),
                415, "unsupported_media_type");
    }

    @Test
    void validBody_echoedBack() {
        Http.Response response = http.request("POST", "/echo").json(Map.of("name", "a", "count", 2)).send();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("count").asInt()).isEqualTo(2);
    }

    @Test
    void unhandledException_500WithoutInternalMessage() {
        Http.Response response = http.get("/boom");
        assertProblem(response, 500, "internal");
        assertThat(response.body()).doesNotContain("hunter2").doesNotContain("Foo.java").doesNotContain("IllegalState");
    }

    @Test
    void cofferException_rendersCodeAndDetail() {
        Http.Response response = http.get("/conflict");
        assertProblem(response, 409, "conflict");
        assertThat(response.json().path("detail").asText()).isEqualTo("the item changed");
    }

    @Test
    void requestId_plainClientIdKept_hostileOneReplaced() {
        assertThat(http.request("GET", "/nope").header("X-Request-Id", "trace-abc.123").send().header("X-Request-Id"))
                .contains("trace-abc.123");
        String hostile = "<script>alert(1)</script>";
        Http.Response replaced = http.request("GET", "/nope").header("X-Request-Id", hostile).send();
        assertThat(replaced.header("X-Request-Id").orElseThrow()).matches("[0-9a-f]{24}");
        assertThat(replaced.body()).doesNotContain("<script>");
    }

    @Test
    void concurrencyLimitReached_503ProblemWithRetryAfter() throws Exception {
        Thread slow = Thread.ofVirtual().start(() -> http.get("/slow"));
        try {
            assertThat(ENTERED.await(30, TimeUnit.SECONDS)).isTrue();
            Http.Response rejected = http.get("/conflict");
            assertProblem(rejected, 503, "overloaded");
            assertThat(rejected.header("Retry-After")).contains("1");
        } finally {
            RELEASE.countDown();
            slow.join();
        }
    }
}
