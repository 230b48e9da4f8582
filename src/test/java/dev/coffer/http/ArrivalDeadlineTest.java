package dev.coffer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The arrival deadline's arithmetic: the timeout, extended by a second per min-rate bytes received. */
class ArrivalDeadlineTest {
    private static final long SECOND = 1_000_000_000L;
    private final ArrivalDeadline deadline = new ArrivalDeadline(5 * SECOND, Duration.ofSeconds(20), 1024);

    @Test
    void noBody_theTimeoutFromTheFirstByte() {
        assertThat(deadline.atNanos(0)).isEqualTo(25 * SECOND);
        assertThat(deadline.passed(25 * SECOND, 0)).isFalse();
        assertThat(deadline.passed(25 * SECOND + 1, 0)).isTrue();
    }

    @Test
    void everyMinRateBytesEarnsOneSecond() {
        assertThat(deadline.atNanos(1024)).isEqualTo(26 * SECOND);
        assertThat(deadline.atNanos(512)).isEqualTo(25 * SECOND + SECOND / 2);
        assertThat(deadline.passed(60 * SECOND, 1024L * 40)).isFalse();
        assertThat(deadline.passed(66 * SECOND, 1024L * 40)).isTrue();
    }

    @Test
    void trickleOfAByteASecond_lateJustAfterTheTimeout() {
        // 21 s in, a trickle has sent 21 bytes: about 20 ms of credit, far short of the second it is over.
        assertThat(deadline.passed(5 * SECOND + 21 * SECOND, 21)).isTrue();
    }

    @Test
    void hugeUpload_noOverflow() {
        long fiveTebibytes = 5L << 40;
        long tenYears = Duration.ofDays(3650).toNanos();
        assertThat(deadline.passed(tenYears, fiveTebibytes)).isFalse();
        assertThat(new ArrivalDeadline(0, Duration.ofSeconds(1), 1).atNanos(Long.MAX_VALUE)).isPositive();
    }

    @Test
    void nanoTimeWrapping_comparedAsADifference() {
        var nearTheEdge = new ArrivalDeadline(Long.MAX_VALUE - SECOND, Duration.ofSeconds(2), 1024);
        assertThat(nearTheEdge.passed(Long.MAX_VALUE, 0)).isFalse();
        assertThat(nearTheEdge.passed(Long.MIN_VALUE + 2 * SECOND, 0)).isTrue();
    }
}
