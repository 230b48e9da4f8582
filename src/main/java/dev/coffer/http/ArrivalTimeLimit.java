package dev.coffer.http;

import java.time.Duration;

/**
 * How long Coffer waits for a request to arrive: {@code server.request_timeout} for its headers,
 * and for its body the same plus one second for every {@code server.min_request_data_rate} bytes
 * received so far (the rule of Apache's mod_reqtimeout). Headers and small bodies therefore get the
 * plain timeout, a large upload keeps going for as long as it averages the minimum rate, and a
 * trickle is cut once the timeout is spent, however steadily its bytes come. Only time spent
 * waiting for the client counts: not the time a route spends on its own work between reads.
 */
record ArrivalTimeLimit(Duration timeout, long minBytesPerSecond) {
    /** Thirty years: no upload earns more, and the arithmetic stays far from overflow. */
    private static final long MAX_EARNED_SECONDS = 1_000_000_000L;

    ArrivalTimeLimit {
        if (timeout.isNegative() || timeout.isZero() || minBytesPerSecond < 1) {
            throw new IllegalArgumentException("timeout and rate must be positive");
        }
    }

    /** The waiting allowed for a request of which {@code bodyBytes} have been received. */
    long allowedNanos(long bodyBytes) {
        long earnedSeconds = Math.min(bodyBytes / minBytesPerSecond, MAX_EARNED_SECONDS);
        long earnedNanos = earnedSeconds * 1_000_000_000L + (bodyBytes % minBytesPerSecond) * 1_000_000_000L / minBytesPerSecond;
        return timeout.toNanos() + earnedNanos;
    }

    /** True once {@code waitedNanos} of waiting is more than {@code bodyBytes} allow. */
    boolean exceeded(long waitedNanos, long bodyBytes) {
        return waitedNanos > allowedNanos(bodyBytes);
    }
}
