package dev.coffer.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedEmbeddedServers.class)
class RequestLoggingTest {

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
    void jsonFormat_everyLineIsJsonWithLevelLoggerAndMessage(EmbeddedServers stack) throws Exception {
        try (LogCapture logs = LogCapture.startJson(); var coffer = TestCoffer.start(stack, "", Map.of())) {
            coffer.http().request("GET", "/health/live").header("X-Request-Id", "req-json-1").send();

            List<String> lines = logs.text().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as(RequestLoggingTest::logbackState).isNotEmpty();
            boolean sawAccessLine = false;
            for (String line : lines) {
                JsonNode json = Json.mapper().readTree(line);
                assertThat(json.path("level").asText()).isNotBlank();
                assertThat(json.path("loggerName").asText()).isNotBlank();
                if (json.path("formattedMessage").asText().contains("GET /health/live 200")) {
                    sawAccessLine = json.path("formattedMessage").asText().contains("id=req-json-1");
                }
            }
            assertThat(sawAccessLine).as(logs.text()).isTrue();
        }
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
