package dev.coffer.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backends that go away while Coffer runs: /health reports it, and recovers when they return. */
class HealthOutageTest {
    private static EmbeddedServers stack;

    @BeforeAll
    static void startOwnStack() throws Exception {
        // Its own stack: stopping servers must not disturb other tests.
        stack = EmbeddedServers.inMemory().start("in memory, outage test");
    }

    @AfterAll
    static void stopStack() throws Exception {
        stack.close();
    }

    @Test
    void health_s3StoppedThenRestarted_connectionFailedThenConnected() throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            assertThat(coffer.http().get("/health").json().path("s3").path("status").asText()).isEqualTo("connected");

            stack.s3().stop();
            Http.Response down = coffer.http().get("/health");
            JsonNode body = down.json();
            assertThat(down.status()).isEqualTo(503);
            assertThat(body.path("status").asText()).isEqualTo("unhealthy");
            assertThat(body.path("s3").path("status").asText()).isEqualTo("connection_failed");
            assertThat(body.path("s3").path("error").asText()).startsWith("backend_unavailable:");
            assertThat(body.path("dynamodb").path("status").asText()).isEqualTo("connected");
            assertThat(coffer.http().get("/health/ready").status()).isEqualTo(503);
            assertThat(coffer.http().get("/health/live").status()).isEqualTo(200);

            stack.s3().start();
            Http.Response up = coffer.http().get("/health");
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.json().path("s3").path("status").asText()).isEqualTo("connected");
            assertThat(up.json().path("status").asText()).isEqualTo("healthy");
        } finally {
            stack.s3().start();
        }
    }

    @Test
    void health_dynamoDbStoppedThenRestarted_connectionFailedThenConnected() throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            stack.dynamoDb().stop();
            JsonNode body = coffer.http().get("/health").json();
            assertThat(body.path("dynamodb").path("status").asText()).isEqualTo("connection_failed");
            String table = coffer.server().config().storage().usersTable();
            assertThat(body.path("dynamodb").path("details").path("tables").path(table).asText())
                    .isEqualTo("backend_unavailable");
            assertThat(body.path("status").asText()).isEqualTo("unhealthy");

            stack.dynamoDb().start();
            // In-memory DynamoDB Local loses its tables on restart: health says which table is missing.
            JsonNode after = coffer.http().get("/health").json();
            assertThat(after.path("dynamodb").path("details").path("tables").path(table).asText())
                    .isEqualTo("missing_table");
        } finally {
            stack.dynamoDb().start();
        }
    }

    @Test
    void health_withinCacheTtl_reusesResultThenRechecks() throws Exception {
        MutableClock clock = MutableClock.atNow();
        try (var coffer = TestCoffer.start(stack, "", Map.of("COFFER_HEALTH_CACHE_TTL", "2s"), clock)) {
            assertThat(coffer.http().get("/health").json().path("s3").path("status").asText()).isEqualTo("connected");
            stack.s3().stop();

            // Still inside the cache window: the earlier result is served, S3 is not asked again.
            assertThat(coffer.http().get("/health").json().path("s3").path("status").asText()).isEqualTo("connected");

            clock.advance(Duration.ofSeconds(3));
            assertThat(coffer.http().get("/health").json().path("s3").path("status").asText())
                    .isEqualTo("connection_failed");
        } finally {
            stack.s3().start();
        }
    }
}
