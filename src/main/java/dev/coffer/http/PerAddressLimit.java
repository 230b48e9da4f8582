package dev.coffer.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts what each address holds at once (connections, or requests in flight) against one limit.
 * An address's entry exists only while it holds something, so the map is as large as the number
 * of addresses currently connected, never the number ever seen. Thread-safe.
 */
final class PerAddressLimit {
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();
    private final int max;

    PerAddressLimit(int max) {
        this.max = max;
    }

    /** Takes one slot for {@code address}; false (and nothing taken) when it holds {@code max} already. */
    boolean tryAcquire(String address) {
        boolean[] acquired = {false};
        held.compute(address, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            acquired[0] = true;
            return now + 1;
        });
        return acquired[0];
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    void release(String address) {
        held.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    int max() {
        return max;
    }
}
