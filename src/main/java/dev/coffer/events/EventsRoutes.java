package dev.coffer.events;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.Access;
import dev.coffer.http.ApiModule;
import dev.coffer.http.EventStream;
import dev.coffer.http.Exchange;
import dev.coffer.http.Routes;
import dev.coffer.identity.Caller;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * {@code GET /api/v1/events} (every collection) and {@code GET /api/v1/collections/{c}/events}:
 * Server-Sent Events of the caller's own changes. Each event's id names the stream position of
 * every collection of the subscription ({@link EventPosition#format}); a client reconnecting with
 * {@code Last-Event-ID} gets what it missed, within the replay window. A stream holds no API
 * request slot: at most {@code events.max_streams} are open at once (503 beyond).
 */
final class EventsRoutes implements ApiModule {
    static final String HEADER = "Last-Event-ID";
    private final Map<String, EventLog> logs;
    private final Map<String, StreamReader> readers;
    private final Semaphore streams;
    private final Duration heartbeat;
    private final int subscriberBuffer;

    EventsRoutes(Map<String, EventLog> logs, Map<String, StreamReader> readers, int maxStreams, Duration heartbeat,
                 int subscriberBuffer) {
        this.logs = logs;
        this.readers = readers;
        this.streams = new Semaphore(maxStreams);
        this.heartbeat = heartbeat;
        this.subscriberBuffer = subscriberBuffer;
    }

    @Override
    public void register(Routes routes) {
        routes.stream("/api/v1/events", Access.ANY_CALLER, (ctx, caller) -> open(ctx, caller, List.copyOf(logs.values())));
        routes.stream("/api/v1/collections/{collection}/events", Access.ANY_CALLER, (ctx, caller) -> {
            String name = ctx.pathParam("collection");
            EventLog log = logs.get(name);
            if (log == null) {
                throw new CofferException(ErrorCode.NOT_FOUND, "no collection named '" + name + "'");
            }
            return open(ctx, caller, List.of(log));
        });
    }

    private EventStream open(Exchange ctx, Caller caller, List<EventLog> subscribed) {
        String lastId = ctx.header(HEADER);
        Map<String, EventPosition> from = Map.of();
        if (lastId != null && !lastId.isBlank()) {
            from = EventPosition.parse(lastId.strip()).orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED,
                    HEADER + ": not an event id of this API (send back the id of the last event received)"));
        }
        subscribed.forEach(log -> readers.get(log.collection()).check());
        if (!streams.tryAcquire()) {
            throw new CofferException(ErrorCode.OVERLOADED, "too many event streams open on this instance; retry shortly", null,
                    Duration.ofSeconds(5), null);
        }
        var subscription = new Subscription(caller.userId(), subscribed, from, subscriberBuffer, heartbeat, streams::release);
        return subscription::run;
    }

    /** Positions for the collections of this subscription, from a Last-Event-ID (others are ignored). */
    static Map<String, Optional<EventPosition>> startingPoints(List<EventLog> subscribed, Map<String, EventPosition> from) {
        var points = new LinkedHashMap<String, Optional<EventPosition>>();
        subscribed.forEach(log -> points.put(log.collection(), Optional.ofNullable(from.get(log.collection()))));
        return points;
    }
}
