package dev.coffer.events;

import dev.coffer.aws.AwsClients;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.EventsConfig;
import dev.coffer.http.ApiModule;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live-updates piece, assembled: one {@link EventLog} and one {@link StreamReader} (on a
 * virtual thread of its own) per collection, and the SSE routes. Every instance reads every
 * collection's stream, so a write through any instance reaches subscribers on all of them.
 * Closing stops the readers; open streams end when the HTTP server stops.
 */
public final class Events implements AutoCloseable {
    /** Per collection, the most the replay buffer holds (besides its time window). */
    static final long MAX_BUFFER_BYTES = 32L * 1024 * 1024;

    private final Map<String, EventLog> logs;
    private final Map<String, StreamReader> streamReaders;
    private final List<Thread> readers;
    private final EventsConfig config;
    private final Duration heartbeat;

    private Events(Map<String, EventLog> logs, Map<String, StreamReader> streamReaders, List<Thread> readers, EventsConfig config,
                   Duration heartbeat) {
        this.logs = logs;
        this.streamReaders = streamReaders;
        this.readers = readers;
        this.config = config;
        this.heartbeat = heartbeat;
    }

    /** Starts reading every collection's stream (nothing when {@code events.max_streams} is 0). */
    public static Events start(CofferConfig config, AwsClients clients, Clock clock) {
        EventsConfig events = config.events();
        var logs = new LinkedHashMap<String, EventLog>();
        var readers = new ArrayList<Thread>();
        var streamReaders = new LinkedHashMap<String, StreamReader>();
        if (events.maxStreams() > 0) {
            config.collections().forEach((name, collection) -> {
                var log = new EventLog(name, events.replayWindow(), MAX_BUFFER_BYTES, clock);
                logs.put(name, log);
                var reader = new StreamReader(clients.dynamoDb(), clients.streams(), collection.table(), collection.sortKey(), log,
                        events.pollInterval());
                streamReaders.put(name, reader);
                readers.add(Thread.ofVirtual().name("coffer-events-" + name).start(reader));
            });
        }
        // A heartbeat must come before the server's idle timeout would close a quiet stream.
        Duration idle = config.server().idleTimeout();
        Duration heartbeat = events.heartbeatInterval().compareTo(idle.dividedBy(2)) < 0 ? events.heartbeatInterval() : idle.dividedBy(2);
        return new Events(Map.copyOf(logs), Map.copyOf(streamReaders), List.copyOf(readers), events, heartbeat);
    }

    public ApiModule routes() {
        return new EventsRoutes(logs, streamReaders, config.maxStreams(), heartbeat, config.subscriberBuffer());
    }

    /** How often an idle stream sends a heartbeat: {@code events.heartbeat_interval}, at most half the idle timeout. */
    public Duration heartbeat() {
        return heartbeat;
    }

    @Override
    public void close() {
        readers.forEach(Thread::interrupt);
    }
}
