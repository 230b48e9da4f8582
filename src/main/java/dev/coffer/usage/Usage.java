package dev.coffer.usage;

import dev.coffer.identity.UserId;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one user stores, as the counters say: files (number and bytes) and, per collection, items
 * and their bytes (DynamoDB item sizes); plus the per-user quota overrides an admin set
 * ({@code -1} in an override means "no limit for this user").
 */
public record Usage(UserId user, long filesCount, long filesBytes, Map<String, Stored> collections,
                    Map<QuotaKey, Long> overrides) {
    public Usage {
        collections = Map.copyOf(collections);
        overrides = Map.copyOf(overrides);
    }

    /** A count and a size. */
    public record Stored(long count, long bytes) {
        public static final Stored NONE = new Stored(0, 0);

        Stored plus(Stored other) {
            return new Stored(count + other.count, bytes + other.bytes);
        }
    }

    public static Usage none(UserId user) {
        return new Usage(user, 0, 0, Map.of(), Map.of());
    }

    public Stored collection(String name) {
        return collections.getOrDefault(name, Stored.NONE);
    }

    /** Items and bytes over every collection. */
    public Stored items() {
        return collections.values().stream().reduce(Stored.NONE, Stored::plus);
    }

    /** The stored numbers only (no overrides), sorted: what a recount compares. */
    public Map<String, Long> counters() {
        var all = new TreeMap<String, Long>();
        all.put("files_count", filesCount);
        all.put("files_bytes", filesBytes);
        collections.forEach((name, stored) -> {
            if (stored.count != 0 || stored.bytes != 0) {
                all.put("items:" + name, stored.count);
                all.put("bytes:" + name, stored.bytes);
            }
        });
        return all;
    }
}
