package dev.coffer.metrics;

import java.time.Duration;

/** The latency histogram buckets every timer publishes (Prometheus {@code le} labels). */
final class Buckets {
    /**
     * From a DynamoDB Local round trip (~1 ms) to the default AWS call timeout (10 s): fixed
     * buckets rather than Micrometer's percentile histogram (~70 buckets per series), so each
     * route costs 14 series and histogram_quantile still has resolution where latency matters.
     */
    static final Duration[] LATENCY = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private Buckets() {
    }
}
