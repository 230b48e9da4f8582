package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Session keys that run out while Coffer runs, and swapping in new ones without a restart. */
@ExtendWith(SharedEmbeddedServers.class)
class ExpiryAndReloadTest {
    private static final String TOKEN = "FQoGZXIvYXdzEXPIRYTEST" + "SessionTokenBody".repeat(8);

    private static Map<String, String> session(EmbeddedServers stack, MutableClock clock, Duration left) {
        var env = new HashMap<String, String>();
        env.put("AWS_ACCESS_KEY_ID", EmbeddedServers.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedServers.SECRET_ACCESS_KEY);
        env.put("AWS_SESSION_TOKEN", TOKEN);
        env.put("AWS_CREDENTIAL_EXPIRATION", clock.instant().plus(left).toString());
        env.put("AWS_DYNAMODB_ENDPOINT", stack.dynamoDb().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", stack.s3().endpoint().toString());
        env.put("SECRET_KEY", "expiry-test-signing-key-0123456789abcdefgh");
        return env;
    }

    @Test
    void sessionKeys_validThenExpiringThenExpired_requestsFailFastWithExpiredCredentials(EmbeddedServers stack) throws Exception {
        MutableClock clock = MutableClock.atNow();
        String toml = "[collections.notes]\ntable = \"t-exp-" + Long.toHexString(System.nanoTime()) + "\"\n";
        try (LogCapture logs = LogCapture.start();
             var coffer = dev.coffer.testing.TestCoffer.startRemote(TestCoffer.config(toml, session(stack, clock, Duration.ofMinutes(30))), clock)) {
            Http http = coffer.http();
            String token = coffer.tokenFor("u1");
            JsonNode valid = http.get("/health").json().path("credentials");
            assertThat(valid.path("mode").asText()).isEqualTo("session");
            assertThat(valid.path("status").asText()).isEqualTo("valid");
            assertThat(http.request("POST", "/api/v1/collections/notes/items").bearer(token).json(Map.of("a", 1)).send().status())
                    .isEqualTo(201);

            clock.advance(Duration.ofMinutes(20));
            Http.Response expiring = http.get("/health");
            assertThat(expiring.status()).isEqualTo(200);
            assertThat(expiring.json().path("status").asText()).isEqualTo("degraded");
            assertThat(expiring.json().path("credentials").path("status").asText()).isEqualTo("expiring");
            assertThat(expiring.json().path("credentials").path("seconds_left").asLong()).isEqualTo(600);

            clock.advance(Duration.ofMinutes(11));
            Http.Response expired = http.get("/health");
            assertThat(expired.status()).isEqualTo(503);
            assertThat(expired.json().path("credentials").path("status").asText()).isEqualTo("expired");
            // A fresh access token: the one from before has run out too (15 min).
            Http.Response refused = http.request("POST", "/api/v1/collections/notes/items").bearer(coffer.tokenFor("u1"))
                    .json(Map.of("a", 2)).send();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("code").asText()).isEqualTo("expired_credentials");

            for (String body : new String[] {valid.toString(), expiring.body(), expired.body(), refused.body(), logs.text()}) {
                assertThat(body).doesNotContain(TOKEN).doesNotContain(EmbeddedServers.SECRET_ACCESS_KEY);
            }
        }
    }

    @Test
    void reload_newKeysSwappedInWithoutRestart(EmbeddedServers stack) throws Exception {
        MutableClock clock = MutableClock.atNow();
        try (var coffer = dev.coffer.testing.TestCoffer.startRemote(TestCoffer.config("", session(stack, clock, Duration.ofMinutes(5))), clock)) {
            assertThat(coffer.http().get("/health").json().path("credentials").path("status").asText()).isEqualTo("expiring");

            var renewed = session(stack, clock, Duration.ofHours(8));
            ResolvedCredentials next = coffer.server().reloadCredentials(TestCoffer.config("", renewed));

            assertThat(next.expiration()).contains(clock.instant().plus(Duration.ofHours(8)));
            JsonNode after = coffer.http().get("/health").json();
            assertThat(after.path("credentials").path("status").asText()).isEqualTo("valid");
            assertThat(after.path("status").asText()).isEqualTo("healthy");
        }
    }
}
