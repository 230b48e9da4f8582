package dev.coffer.config;

import java.time.Duration;

/**
 * Live updates (Server-Sent Events fed by DynamoDB Streams).
 *
 * @param heartbeatInterval how often an idle stream sends a comment line, so proxies keep it open
 * @param pollInterval how often each instance asks each open shard for new records
 * @param replayWindow how far back an instance keeps events for clients resuming with Last-Event-ID
 * @param subscriberBuffer events queued for one subscriber before its stream is closed (it resumes)
 * @param maxStreams event streams one instance holds open at once (503 beyond)
 */
public record EventsConfig(Duration heartbeatInterval, Duration pollInterval, Duration replayWindow, int subscriberBuffer,
                           int maxStreams) {
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    /**
     * One GetRecords per shard per second and instance: AWS allows 5 per second per shard, so up to
     * four instances read every shard without being throttled.
     */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofMinutes(10);
    public static final int DEFAULT_SUBSCRIBER_BUFFER = 256;
    public static final int DEFAULT_MAX_STREAMS = 1000;

    public EventsConfig {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive");
        }
        if (replayWindow.isNegative()) {
            throw new IllegalArgumentException("replay window must not be negative");
        }
        if (subscriberBuffer < 1 || maxStreams < 0) {
            throw new IllegalArgumentException("subscriber buffer must be at least 1, max streams at least 0");
        }
    }

    public static final EventsConfig DEFAULTS = new EventsConfig(DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_POLL_INTERVAL,
            DEFAULT_REPLAY_WINDOW, DEFAULT_SUBSCRIBER_BUFFER, DEFAULT_MAX_STREAMS);

    static EventsConfig from(Settings s) {
        return new EventsConfig(
                s.duration(ConfigKeys.EVENTS_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL, Duration.ofSeconds(1), Duration.ofMinutes(5)),
                s.duration(ConfigKeys.EVENTS_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, Duration.ofMillis(50), Duration.ofSeconds(30)),
                s.duration(ConfigKeys.EVENTS_REPLAY_WINDOW, DEFAULT_REPLAY_WINDOW, Duration.ZERO, Duration.ofHours(24)),
                s.integer(ConfigKeys.EVENTS_SUBSCRIBER_BUFFER, DEFAULT_SUBSCRIBER_BUFFER, 1, 100_000),
                s.integer(ConfigKeys.EVENTS_MAX_STREAMS, DEFAULT_MAX_STREAMS, 0, 1_000_000));
    }
}
