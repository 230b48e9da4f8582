package dev.coffer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The arrival limit's arithmetic: the timeout, extended by a second per min-rate bytes received. */
class ArrivalTimeLimitTest {
    private static final long SECOND = 1_000_000_000L;
    private final ArrivalTimeLimit limit = new ArrivalTimeLimit(Duration.ofSeconds(20), 1024);

    @Test
    void headersOrNoBodyYet_thePlainTimeout() {
        assertThat(limit.allowedNanos(0)).isEqualTo(20 * SECOND);
        assertThat(limit.exceeded(20 * SECOND, 0)).isFalse();
        assertThat(limit.exceeded(20 * SECOND + 1, 0)).isTrue();
    }

    @Test
    void everyMinRateBytesEarnsOneSecond() {
        assertThat(limit.allowedNanos(1024)).isEqualTo(21 * SECOND);
        assertThat(limit.allowedNanos(512)).isEqualTo(20 * SECOND + SECOND / 2);
        assertThat(limit.exceeded(55 * SECOND, 1024L * 40)).isFalse();
        assertThat(limit.exceeded(61 * SECOND, 1024L * 40)).isTrue();
    }

    @Test
    void trickleOfAByteASecond_overJustAfterTheTimeout() {
        // 21 s of waiting for 21 bytes: about 20 ms of credit, far short of the second it is over.
        assertThat(limit.exceeded(21 * SECOND, 21)).isTrue();
    }

    @Test
    void hugeUpload_noOverflow() {
        long fiveTebibytes = 5L << 40;
        assertThat(limit.exceeded(Duration.ofDays(3650).toNanos(), fiveTebibytes)).isFalse();
        assertThat(new ArrivalTimeLimit(Duration.ofSeconds(1), 1).allowedNanos(Long.MAX_VALUE)).isPositive();
    }
}
