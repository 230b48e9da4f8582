package dev.coffer.events;

import dev.coffer.http.EventStream;
import dev.coffer.identity.UserId;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One open event stream: subscribes to its collections' logs, sends a {@code ready} event whose
 * id is where it starts, what the client missed (or a {@code reset} where that is no longer
 * kept), then each new event, a heartbeat comment whenever {@code heartbeat} passes without one,
 * and an {@code overflow} event before it closes when the client reads too slowly. Always
 * unsubscribes and releases its permit, however it ends.
 */
final class Subscription {
    private final Subscriber subscriber;
    private final List<EventLog> logs;
    private final Map<String, EventPosition> from;
    private final Duration heartbeat;
    private final Runnable release;
    private final Map<String, EventPosition> positions = new LinkedHashMap<>();

    Subscription(UserId user, List<EventLog> logs, Map<String, EventPosition> from, int buffer, Duration heartbeat, Runnable release) {
        this.subscriber = new Subscriber(user, buffer);
        this.logs = logs;
        this.from = from;
        this.heartbeat = heartbeat;
        this.release = release;
    }

    void run(EventStream.Sink sink) throws IOException, InterruptedException {
        try {
            var replay = new ArrayList<ChangeEvent>();
            var gaps = new ArrayList<String>();
            for (var entry : EventsRoutes.startingPoints(logs, from).entrySet()) {
                EventLog log = logs.stream().filter(l -> l.collection().equals(entry.getKey())).findFirst().orElseThrow();
                EventLog.Subscription started = log.subscribe(subscriber, entry.getValue());
                positions.put(log.collection(), started.start());
                switch (started.replay()) {
                    case EventLog.Replay.Events events -> replay.addAll(events.events());
                    case EventLog.Replay.Gap gap -> gaps.add(log.collection());
                }
            }
            // Tells EventSource clients how soon to reconnect; the id is where this stream starts.
            sink.write("retry: 1000\n\n");
            sink.write(event("ready", "{}"));
            if (!gaps.isEmpty()) {
                sink.write(event("reset", "{\"collections\":" + dev.coffer.support.Json.mapper().valueToTree(gaps)
                        + ",\"reason\":\"the events after Last-Event-ID are no longer kept; read the collections afresh\"}"));
            }
            for (ChangeEvent e : replay) {
                send(sink, e);
            }
            while (true) {
                ChangeEvent next = subscriber.poll(heartbeat);
                if (next != null) {
                    send(sink, next);
                } else if (!subscriber.overflowedAndDrained()) {
                    sink.write(": heartbeat\n\n");
                }
                if (subscriber.overflowedAndDrained()) {
                    sink.write(event("overflow", "{\"reason\":\"events came faster than this client read them; "
                            + "reconnect with Last-Event-ID\"}"));
                    return;
                }
            }
        } finally {
            logs.forEach(log -> log.unsubscribe(subscriber));
            release.run();
        }
    }

    private void send(EventStream.Sink sink, ChangeEvent e) throws IOException {
        positions.put(e.collection(), e.position());
        sink.write("id: " + EventPosition.format(positions) + "\ndata: " + e.data() + "\n\n");
    }

    private String event(String name, String data) {
        return "event: " + name + "\nid: " + EventPosition.format(positions) + "\ndata: " + data + "\n\n";
    }

}
