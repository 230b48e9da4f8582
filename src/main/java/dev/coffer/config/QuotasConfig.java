package dev.coffer.config;

import java.util.Optional;

/**
 * Per-user limits, each off unless set; an administrator can override any of them for one user
 * (kept in that user's usage item). {@code filesBytes} is the total size of the user's files,
 * {@code filesCount} their number, {@code itemsPerCollection} the items one user may keep in each
 * collection, {@code requestsPerMinute} the API requests one user may make per minute (counted per
 * instance).
 */
public record QuotasConfig(Optional<Long> filesBytes, Optional<Long> filesCount, Optional<Long> itemsPerCollection,
                           Optional<Long> requestsPerMinute) {
    public static final QuotasConfig NONE = new QuotasConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    /** Larger than any bucket a deployment of Coffer would fill (1 PiB), so a typo of many digits is caught. */
    static final long MAX_BYTES = 1L << 50;
    static final long MAX_COUNT = 1_000_000_000_000L;

    public QuotasConfig {
        positive(filesBytes, "files bytes");
        positive(filesCount, "files count");
        positive(itemsPerCollection, "items per collection");
        positive(requestsPerMinute, "requests per minute");
    }

    private static void positive(Optional<Long> value, String what) {
        if (value.isPresent() && value.get() < 0) {
            throw new IllegalArgumentException(what + " quota must not be negative");
        }
    }

    static QuotasConfig from(Settings s) {
        return new QuotasConfig(limit(s, ConfigKeys.QUOTA_FILES_BYTES, MAX_BYTES), limit(s, ConfigKeys.QUOTA_FILES_COUNT, MAX_COUNT),
                limit(s, ConfigKeys.QUOTA_ITEMS_PER_COLLECTION, MAX_COUNT), limit(s, ConfigKeys.QUOTA_REQUESTS_PER_MINUTE, MAX_COUNT));
    }

    /** Absent, or {@code off}: no limit; otherwise a whole number 0..max (0 refuses every write). */
    private static Optional<Long> limit(Settings s, ConfigKey key, long max) {
        Optional<String> raw = s.string(key);
        if (raw.isEmpty() || raw.get().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        return Optional.of(s.longValue(key, 0, 0, max));
    }
}
