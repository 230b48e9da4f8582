package dev.coffer.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedEmbeddedServers.class)
class HealthEndpointTest {

    @Test
    void health_bothBackendsUp_reportsHealthyLocalModeAndConnected(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            Http.Response response = coffer.http().get("/health");

            assertThat(response.status()).isEqualTo(200);
            JsonNode body = response.json();
            assertThat(body.path("status").asText()).isEqualTo("healthy");
            assertThat(body.path("service").asText()).isEqualTo("coffer");
            assertThat(body.path("credentials").path("mode").asText()).isEqualTo("local");
            assertThat(body.path("credentials").path("source").asText()).isEqualTo("embedded");
            assertThat(body.path("dynamodb").path("status").asText()).isEqualTo("connected");
            String usersTable = coffer.server().config().storage().usersTable();
            assertThat(body.path("dynamodb").path("details").path("tables").path(usersTable).asText()).isEqualTo("ACTIVE");
            assertThat(body.path("s3").path("status").asText()).isEqualTo("connected");
            assertThat(body.path("s3").path("details").path("bucket").asText())
                    .isEqualTo(coffer.server().config().storage().bucket());
            assertThat(body.path("s3").path("details").path("prefix").asText()).isEqualTo("users/");
            assertThat(body.path("environment").path("has_aws_access_key").asBoolean(true)).isFalse();
            assertThat(body.path("auth").path("oidc").path("status").asText()).isEqualTo("not_configured");
        }
    }

    @Test
    void liveAndReady_backendsUp_answer200(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            assertThat(coffer.http().get("/health/live").json().path("status").asText()).isEqualTo("alive");
            Http.Response ready = coffer.http().get("/health/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        }
    }
}
