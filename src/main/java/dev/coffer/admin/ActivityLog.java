package dev.coffer.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coffer.http.CompletedRequest;
import dev.coffer.http.RequestObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last {@link #capacity} answered requests, in memory (per instance, gone on restart), for the
 * console's activity page: fed by the edge's {@link RequestObserver} hook, oldest dropped first.
 * Thread-safe; an observer call is one short lock.
 */
public final class ActivityLog implements RequestObserver {
    public static final int DEFAULT_CAPACITY = 1000;

    /** One request as the activity page lists it. */
    public record Entry(Instant at, String method, String route, String path, int status,
                        @JsonProperty("status_class") String statusClass, @JsonProperty("duration_ms") double durationMs,
                        @JsonProperty("request_id") String requestId, String client, @JsonProperty("user_id") String userId,
                        String error) {
    }

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Entry> entries;

    public ActivityLog(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the activity log keeps at least one request");
        }
        this.capacity = capacity;
        this.clock = clock;
        this.entries = new ArrayDeque<>(capacity);
    }

    @Override
    public void completed(CompletedRequest request) {
        var entry = new Entry(clock.instant(), request.method(), request.route().orElse(null), request.path(), request.status(),
                request.statusClass(), Math.round(request.durationMillis() * 10) / 10.0, request.requestId(), request.clientAddress(),
                request.caller().map(c -> c.userId().value()).orElse(null), request.error().map(e -> e.code()).orElse(null));
        synchronized (entries) {
            if (entries.size() == capacity) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
    }

    /** Up to {@code limit} entries, newest first, of the status class given ("4xx") or all. */
    public List<Entry> latest(Optional<String> statusClass, int limit) {
        var out = new ArrayList<Entry>();
        synchronized (entries) {
            var newestFirst = entries.descendingIterator();
            while (newestFirst.hasNext() && out.size() < limit) {
                Entry entry = newestFirst.next();
                if (statusClass.isEmpty() || statusClass.get().equals(entry.statusClass())) {
                    out.add(entry);
                }
            }
        }
        return out;
    }

    public int capacity() {
        return capacity;
    }
}
