package dev.coffer.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import dev.coffer.testing.Trickle;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14: hundreds of unauthenticated connections sending a login body a byte at a time must
 * not take Coffer down. Before, each held a request slot and a thread for as long as it trickled
 * (the idle timeout never fires while bytes arrive) and the refused ones held threads draining
 * their bodies: every request, health checks included, got 503 and then no answer at all.
 */
@ExtendWith(SharedEmbeddedServers.class)
class SlowClientsTest {
    private static final Duration TICK = Duration.ofMillis(20);
    private static final String LOGIN_TRICKLE = Trickle.bodyHead("POST", "/api/v1/auth/login", "application/json", 60_000);

    @Test
    void oneAddressTrickling_cappedAndCutAtTheDeadline_otherClientsServed(EmbeddedServers stack) throws Exception {
        var env = Map.of("COFFER_SERVER_MAX_CONCURRENT_REQUESTS", "100", "COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "32",
                "COFFER_SERVER_REQUEST_TIMEOUT", "2s");
        try (TestCoffer coffer = TestCoffer.start(stack, "", env);
             Trickle trickle = Trickle.start(coffer.server().port(), List.of(InetAddress.getByName("127.0.0.2")), 250,
                     LOGIN_TRICKLE, " ", TICK)) {
            Http http = coffer.http();
            // More trickling connections than request slots, all from one address: the old edge gave
            // them every slot and every thread; now that address holds 32 connections at most.
            assertThat(http.get(HealthRoutes.LIVE).status()).isEqualTo(200);
            assertThat(http.get(HealthRoutes.READY).status()).isEqualTo(200);
            Http.Response registered = http.request("POST", "/api/v1/auth/register")
                    .json(Map.of("email", "normal@example.com", "password", "normal-password", "full_name", "Normal")).send();
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);

            // Every trickling connection is ended by the server (its bytes would last 20 minutes):
            // those over the cap closed unanswered, the others answered 408 at their deadline.
            List<Trickle.Ending> endings = trickle.awaitAllEndings(Duration.ofSeconds(90));
            assertThat(endings).extracting(Trickle.Ending::status).containsOnly(408, Trickle.Ending.NO_ANSWER);
            assertThat(endings).filteredOn(e -> e.status() == 408).hasSizeGreaterThanOrEqualTo(32);
            assertThat(endings).filteredOn(e -> e.status() == Trickle.Ending.NO_ANSWER).isNotEmpty();

            assertThat(http.request("POST", "/api/v1/auth/login")
                    .json(Map.of("email", "normal@example.com", "password", "normal-password")).send().status()).isEqualTo(200);
        }
    }

    @Test
    void tricklersFromManyAddresses_holdEveryApiSlot_healthStillAnswers_apiRefusedAtOnce(EmbeddedServers stack) throws Exception {
        // A deadline far beyond the test: the slots stay taken while it looks.
        var env = Map.of("COFFER_SERVER_MAX_CONCURRENT_REQUESTS", "16", "COFFER_SERVER_REQUEST_TIMEOUT", "10m");
        try (TestCoffer coffer = TestCoffer.start(stack, "", env);
             Trickle trickle = Trickle.start(coffer.server().port(), Trickle.loopbackAddresses(1, 4), 50, LOGIN_TRICKLE, " ", TICK)) {
            // 200 trickling logins for 16 slots: 16 hold a slot each, and a refusal proves they all do.
            // The 184 refused are answered without waiting for their bodies: were they drained, they
            // would hold more threads than the pool has (16 + 8 + 32), and nothing below would answer.
            assertThat(trickle.awaitFirstEnding(Duration.ofSeconds(60)).status()).isEqualTo(503);

            Http http = coffer.http();
            Http.Response refused = http.request("POST", "/api/v1/auth/register")
                    .json(Map.of("email", "refused@example.com", "password", "refused-password", "full_name", "Refused")).send();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("code").asText()).isEqualTo("overloaded");
            assertThat(refused.header("Retry-After")).contains("1");

            assertThat(http.get(HealthRoutes.LIVE).status()).isEqualTo(200);
            assertThat(http.get(HealthRoutes.READY).status()).isEqualTo(200);
            assertThat(http.get(HealthRoutes.REPORT).json().path("status").asText()).isEqualTo("healthy");
        }
    }
}
