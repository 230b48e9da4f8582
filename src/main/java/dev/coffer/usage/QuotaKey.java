package dev.coffer.usage;

import dev.coffer.config.QuotasConfig;
import java.util.Arrays;
import java.util.Optional;

/** The quotas a user has, by the name they have in coffer.toml ({@code quotas.<name>}) and in answers. */
public enum QuotaKey {
    FILES_BYTES("files_bytes"),
    FILES_COUNT("files_count"),
    ITEMS_PER_COLLECTION("items_per_collection"),
    REQUESTS_PER_MINUTE("requests_per_minute");

    private final String label;

    QuotaKey(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The attribute of the usage item holding a per-user override. */
    String attribute() {
        return "quota:" + label;
    }

    public static Optional<QuotaKey> parse(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }

    /** The deployment's default for this quota, if any. */
    Optional<Long> defaultIn(QuotasConfig quotas) {
        return switch (this) {
            case FILES_BYTES -> quotas.filesBytes();
            case FILES_COUNT -> quotas.filesCount();
            case ITEMS_PER_COLLECTION -> quotas.itemsPerCollection();
            case REQUESTS_PER_MINUTE -> quotas.requestsPerMinute();
        };
    }
}
