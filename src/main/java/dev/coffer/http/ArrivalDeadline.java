package dev.coffer.http;

import java.time.Duration;

/**
 * When a request must have arrived: {@code server.request_timeout} after its first byte, plus one
 * second for every {@code server.min_request_data_rate} bytes of body received so far (the rule of
 * Apache's mod_reqtimeout). Headers and small bodies therefore get the plain timeout, a large
 * upload keeps going for as long as it averages the minimum rate, and a trickle is cut once the
 * timeout is spent, however steadily its bytes come. Times are {@link System#nanoTime()} values.
 */
record ArrivalDeadline(long beginNanos, Duration timeout, long minBytesPerSecond) {
    /** Thirty years: no upload earns more, and the arithmetic stays far from overflow. */
    private static final long MAX_EARNED_SECONDS = 1_000_000_000L;

    ArrivalDeadline {
        if (timeout.isNegative() || timeout.isZero() || minBytesPerSecond < 1) {
            throw new IllegalArgumentException("timeout and rate must be positive");
        }
    }

    /** The latest moment to have received more than {@code bodyBytes}. */
    long atNanos(long bodyBytes) {
        long earnedSeconds = Math.min(bodyBytes / minBytesPerSecond, MAX_EARNED_SECONDS);
        long earnedNanos = earnedSeconds * 1_000_000_000L + (bodyBytes % minBytesPerSecond) * 1_000_000_000L / minBytesPerSecond;
        return beginNanos + timeout.toNanos() + earnedNanos;
    }

    /** True once {@code nowNanos} is past the deadline for {@code bodyBytes} received. */
    boolean passed(long nowNanos, long bodyBytes) {
        // Compared as a difference: nanoTime values may wrap.
        return nowNanos - atNanos(bodyBytes) > 0;
    }
}
