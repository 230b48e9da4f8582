package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.identity.UserId;
import dev.coffer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tally keeps today's date between calls (it is asked on every request and AWS call): counts
 * made either side of midnight UTC must still land on their own days, and a past day's counters
 * are dropped once drained.
 */
class TallyDaysTest {
    @Test
    void countsEitherSideOfMidnightUtc_landOnTheirOwnDays() {
        var clock = new MutableClock(Instant.parse("2026-12-11T23:59:59Z"));
        var tally = new Tally(clock);
        var user = new UserId("tally-days-u1");

        tally.request(user, "records", false);
        clock.advance(Duration.ofSeconds(2));
        tally.request(user, "records", true);
        tally.request(user, "files", false);

        var drained = tally.drain();
        assertThat(drained.get(new Tally.Key(user.value(), LocalDate.of(2026, 12, 11))).requests())
                .containsExactly(Map.entry("records:read", 1L));
        assertThat(drained.get(new Tally.Key(user.value(), LocalDate.of(2026, 12, 12))).requests())
                .containsOnly(Map.entry("records:write", 1L), Map.entry("files:read", 1L));
        assertThat(drained.get(new Tally.Key(Tally.DEPLOYMENT, LocalDate.of(2026, 12, 12))).requests())
                .containsOnly(Map.entry("records:write", 1L), Map.entry("files:read", 1L));
        // The drained past day is gone; a second drain has nothing for it.
        assertThat(tally.drain()).isEmpty();
    }

    @Test
    void aServiceOutsideTheKnownNames_isStillCountedUnderItsOwnName() {
        var clock = new MutableClock(Instant.parse("2026-12-11T12:00:00Z"));
        var tally = new Tally(clock);
        var user = new UserId("tally-days-u2");

        tally.request(user, "reports", true);

        assertThat(tally.drain().get(new Tally.Key(user.value(), LocalDate.of(2026, 12, 11))).requests())
                .containsExactly(Map.entry("reports:write", 1L));
    }
}
