package dev.coffer.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.auth.ServiceKeyMaker;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedEmbeddedServers.class)
class RequestLoggingTest {
    private static final String METRICS_TOKEN = "logs-metrics-token-5e0c9a77d1";

    @Test
    void textFormat_oneLinePerRequestWithMethodPathStatusMsAndRequestId(EmbeddedServers stack) throws Exception {
        try (LogCapture logs = LogCapture.start(); var coffer = TestCoffer.start(stack, "", Map.of())) {
            coffer.http().request("GET", "/health/live").header("X-Request-Id", "req-text-1").send();
            coffer.http().request("GET", "/missing").header("X-Request-Id", "req-text-2").send();

            assertThat(logs.text()).containsPattern("GET /health/live 200 \\d+\\.\\dms id=req-text-1")
                    .containsPattern("GET /missing 404 \\d+\\.\\dms id=req-text-2");
        }
    }

    @Test
    void jsonFormat_everyLineIsJsonWithEcsLevelLoggerAndMessage(EmbeddedServers stack) throws Exception {
        try (LogCapture logs = LogCapture.startJson(); var coffer = TestCoffer.start(stack, "", Map.of())) {
            coffer.http().request("GET", "/health/live").header("X-Request-Id", "req-json-1").send();

            List<String> lines = logs.text().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as(RequestLoggingTest::logbackState).isNotEmpty();
            for (String line : lines) {
                JsonNode json = Json.mapper().readTree(line);
                assertThat(json.path("@timestamp").asText()).as(line).endsWith("Z");
                assertThat(json.path("log.level").asText()).as(line).isNotBlank();
                assertThat(json.path("log.logger").asText()).as(line).isNotBlank();
                assertThat(json.has("message")).as(line).isTrue();
                assertThat(json.path("ecs.version").asText()).as(line).isEqualTo("8.11.0");
            }
            JsonNode access = accessLine(logs, "req-json-1");
            // The message is the human line, unchanged.
            assertThat(access.path("message").asText()).matches("GET /health/live 200 \\d+\\.\\dms id=req-json-1 client=127\\.0\\.0\\.1");
        }
    }

    @Test
    void jsonFormat_accessLine_carriesEcsFields_routeTemplateUserAndProblemCode(EmbeddedServers stack) throws Exception {
        String toml = "[collections.notes]\ntable = \"t-logs-" + Long.toHexString(System.nanoTime()) + "\"\n";
        try (LogCapture logs = LogCapture.startJson(); var coffer = TestCoffer.start(stack, toml, Map.of())) {
            String token = coffer.tokenFor("log-user-1");
            Http.Response created = coffer.http().request("POST", "/api/v1/collections/notes/items").bearer(token)
                    .header("X-Request-Id", "req-ecs-created").json(Map.of("text", "hello")).send();
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().path("id").asText();
            coffer.http().request("GET", "/api/v1/collections/notes/items/missing-1").bearer(token)
                    .header("X-Request-Id", "req-ecs-missing").send();
            coffer.http().request("GET", "/api/v1/collections/notes/items/" + id).header("X-Request-Id", "req-ecs-anonymous").send();

            JsonNode ok = accessLine(logs, "req-ecs-created");
            assertThat(ok.path("log.level").asText()).isEqualTo("INFO");
            assertThat(ok.path("http.request.method").asText()).isEqualTo("POST");
            assertThat(ok.path("url.path").asText()).isEqualTo("/api/v1/collections/notes/items");
            assertThat(ok.path("http.route").asText()).isEqualTo("/api/v1/collections/{collection}/items");
            assertThat(ok.path("http.response.status_code").asInt()).isEqualTo(201);
            assertThat(ok.path("duration_ms").isNumber()).isTrue();
            assertThat(ok.path("duration_ms").asDouble()).isPositive();
            assertThat(ok.path("event.duration").asLong()).isPositive();
            assertThat(ok.path("client.ip").asText()).isEqualTo("127.0.0.1");
            assertThat(ok.path("user.id").asText()).isEqualTo("log-user-1");
            assertThat(ok.has("error.code")).isFalse();

            JsonNode missing = accessLine(logs, "req-ecs-missing");
            assertThat(missing.path("url.path").asText()).isEqualTo("/api/v1/collections/notes/items/missing-1");
            assertThat(missing.path("http.route").asText()).isEqualTo("/api/v1/collections/{collection}/items/{id}");
            assertThat(missing.path("http.response.status_code").asInt()).isEqualTo(404);
            assertThat(missing.path("error.code").asText()).isEqualTo("not_found");
            assertThat(missing.path("user.id").asText()).isEqualTo("log-user-1");

            // No verified caller: no user id; the problem's stable code.
            JsonNode anonymous = accessLine(logs, "req-ecs-anonymous");
            assertThat(anonymous.path("http.response.status_code").asInt()).isEqualTo(401);
            assertThat(anonymous.path("error.code").asText()).isEqualTo("unauthorized");
            assertThat(anonymous.has("user.id")).isFalse();
        }
    }

    @Test
    void jsonFormat_secretsSentInHeadersOrQuery_neverInTheOutput(EmbeddedServers stack) throws Exception {
        String[] serviceKey = ServiceKeyMaker.generate();
        String toml = "[collections.notes]\ntable = \"t-logsec-" + Long.toHexString(System.nanoTime()) + "\"\n";
        try (LogCapture logs = LogCapture.startJson();
             var coffer = TestCoffer.start(stack, toml, Map.of("COFFER_SERVICE_KEYS", "backend=" + serviceKey[1],
                     "COFFER_METRICS_TOKEN", METRICS_TOKEN))) {
            String token = coffer.tokenFor("log-user-2");
            assertThat(coffer.http().request("GET", "/api/v1/collections/notes/items?cursor=" + token).bearer(serviceKey[0])
                    .header("X-Coffer-User", "log-user-2").header("X-Request-Id", "req-sec-1").send().status()).isIn(200, 400);
            coffer.http().request("GET", "/api/v1/auth/me?access_token=" + token).bearer(serviceKey[0] + "x")
                    .header("X-Request-Id", "req-sec-3").send();

            // Pasted into a path by mistake: the access line still goes through the masker.
            coffer.http().request("GET", "/api/v1/collections/notes/items/" + METRICS_TOKEN).bearer(token)
                    .header("X-Request-Id", "req-sec-2").send();

            String out = logs.text();
            assertThat(accessLine(logs, "req-sec-2").path("url.path").asText()).isEqualTo("/api/v1/collections/notes/items/****");
            assertThat(accessLine(logs, "req-sec-1").path("user.id").asText()).isEqualTo("log-user-2");
            assertThat(accessLine(logs, "req-sec-3").path("url.path").asText()).isEqualTo("/api/v1/auth/me");
            assertThat(out).doesNotContain(serviceKey[0], token, METRICS_TOKEN);
        }
    }

    /** The access log's JSON object for the request with {@code requestId}; fails when there is none. */
    private static JsonNode accessLine(LogCapture logs, String requestId) throws Exception {
        for (String line : logs.text().lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode json = Json.mapper().readTree(line);
            if (json.path("log.logger").asText().equals("coffer.access") && json.path("http.request.id").asText().equals(requestId)) {
                return json;
            }
        }
        throw new AssertionError("no access line for " + requestId + " in:\n" + logs.text());
    }

    /** What Logback itself says (its status messages and the root logger's appenders), for a failure that shows no lines at all. */
    private static String logbackState() {
        var context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var appenders = new StringBuilder();
        root.iteratorForAppenders().forEachRemaining(a -> appenders.append(a.getName()).append(a.isStarted() ? " started; " : " stopped; "));
        return "root appenders: " + appenders + "dev.coffer level: " + context.getLogger("dev.coffer").getEffectiveLevel()
                + "; status: " + context.getStatusManager().getCopyOfStatusList();
    }
}
