package dev.coffer.config;

import java.time.Duration;

/**
 * Settings of the usage piece: the per-user quotas, how often counters are written, and the
 * price table of the cost estimate.
 */
public record UsageConfig(QuotasConfig quotas, Duration flushInterval, PricingConfig pricing) {
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
    public static final UsageConfig DEFAULT = new UsageConfig(QuotasConfig.NONE, DEFAULT_FLUSH_INTERVAL, PricingConfig.defaults());

    static UsageConfig from(Settings s) {
        return new UsageConfig(QuotasConfig.from(s),
                s.duration(ConfigKeys.USAGE_FLUSH_INTERVAL, DEFAULT_FLUSH_INTERVAL, Duration.ofSeconds(1), Duration.ofMinutes(5)),
                PricingConfig.from(s));
    }

    public UsageConfig withQuotas(QuotasConfig newQuotas) {
        return new UsageConfig(newQuotas, flushInterval, pricing);
    }
}
