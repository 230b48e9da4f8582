package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.SharedTables;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Coffer instances on the same tables count the same login failures: failures spread across
 * both trip the limit at the configured count, whichever instance answers next, and the window
 * ends for both.
 */
@ExtendWith(SharedEmbeddedServers.class)
class SharedLoginLimitsTest {
    private static final int MAX_FAILURES = 4;
    private static final MutableClock clock = MutableClock.atNow();
    private static TestCoffer a;
    private static TestCoffer b;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        Map<String, String> env = SharedTables.env(Map.of("COFFER_AUTH_LOGIN_MAX_FAILURES", Integer.toString(MAX_FAILURES)));
        a = TestCoffer.start(stack, "", env, clock);
        b = TestCoffer.start(stack, "", env, clock);
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
    }

    private static Http.Response login(TestCoffer instance, String email, String password) {
        return instance.http().request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", password)).send();
    }

    @Test
    void failuresSpreadAcrossInstances_tripTheLimitAtTheConfiguredCount_onBoth() {
        assertThat(a.http().request("POST", "/api/v1/auth/register")
                .json(Map.of("email", "spread@example.com", "password", "the-right-password")).send().status()).isEqualTo(201);
        List<TestCoffer> alternating = List.of(a, b);
        for (int i = 0; i < MAX_FAILURES; i++) {
            // Each instance alone has seen only half the failures: a per-instance count would let the next one through.
            assertThat(login(alternating.get(i % 2), "spread@example.com", "wrong-" + i).status()).isEqualTo(401);
        }
        for (TestCoffer instance : alternating) {
            Http.Response refused = login(instance, "spread@example.com", "the-right-password");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("code").asText()).isEqualTo("rate_limited");
        }
        // Another address of the same client is not locked by this email's count.
        assertThat(login(b, "someone-else@example.com", "wrong").status()).isEqualTo(401);

        clock.advance(Duration.ofMinutes(16));
        assertThat(login(b, "spread@example.com", "the-right-password").status()).isEqualTo(200);
    }

    @Test
    void oneFailureShortOfTheLimit_acrossInstances_stillLogsIn() {
        a.http().request("POST", "/api/v1/auth/register").json(Map.of("email", "short@example.com", "password", "the-right-password")).send();
        for (int i = 0; i < MAX_FAILURES - 1; i++) {
            assertThat(login(i % 2 == 0 ? b : a, "short@example.com", "wrong-" + i).status()).isEqualTo(401);
        }
        assertThat(login(a, "short@example.com", "the-right-password").status()).isEqualTo(200);
        // The success cleared the email's count for every instance: a full set of failures again before 429.
        for (int i = 0; i < MAX_FAILURES - 1; i++) {
            assertThat(login(i % 2 == 0 ? a : b, "short@example.com", "again-" + i).status()).isEqualTo(401);
        }
        assertThat(login(b, "short@example.com", "the-right-password").status()).isEqualTo(200);
    }
}
