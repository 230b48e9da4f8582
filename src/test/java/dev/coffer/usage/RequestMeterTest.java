package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.auth.Auth;
import dev.coffer.config.QuotasConfig;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The edge's usage gate counts a request when it admits it, before the handler runs: a streamed
 * answer (a download) is on the client's side before the edge's observers run, so a count made
 * when the answer is done could miss a usage report asked for right after it.
 */
@ExtendWith(SharedEmbeddedServers.class)
class RequestMeterTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-11T12:00:00Z"));

    @Test
    void admit_countsTheRequestBeforeItsHandlerRuns_andBindsTheCallerUntilLeave(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of(), CLOCK)) {
            var store = new UsageStore(coffer.server().clients().dynamoDb(), Auth.authTable(coffer.server().config()),
                    QuotasConfig.NONE);
            var tally = new Tally(CLOCK);
            var meter = new RequestMeter(tally, store, QuotasConfig.NONE, CLOCK);
            UserId user = new UserId("metered-u1");

            meter.admit("GET", "/api/v1/files/{name}", Caller.account(user));

            assertThat(tally.attributed()).contains(user);
            var drained = tally.drain();
            var key = new Tally.Key(user.value(), java.time.LocalDate.of(2026, 12, 11));
            assertThat(drained).containsKey(key);
            assertThat(drained.get(key).requests()).containsExactly(Map.entry("files:read", 1L));
            meter.leave();
            assertThat(tally.attributed()).isEmpty();
        }
    }
}
