package dev.coffer.events;

import dev.coffer.identity.UserId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One open event stream's queue: bounded, so a subscriber that reads slower than its events come
 * cannot grow memory. When the queue is full the next event is dropped and the subscriber marked
 * overflowed: its stream sends what was queued, then closes, and the client resumes from the last
 * id it received (the dropped events are in the replay buffer). Thread-safe.
 */
final class Subscriber {
    private final UserId user;
    private final ArrayBlockingQueue<ChangeEvent> queue;
    private volatile boolean overflowed;
    private final Map<String, EventPosition.Exact> resumedAfter = new ConcurrentHashMap<>();

    Subscriber(UserId user, int capacity) {
        this.user = user;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    UserId user() {
        return user;
    }

    /**
     * The client resumes after {@code position} of {@code collection}: that record and the earlier ones
     * of its shard are never offered again, also when this instance's reader reaches them only after
     * the subscription (it reads the stream on its own schedule, so it can be behind the instance
     * that served the id).
     */
    void resumesAfter(String collection, EventPosition.Exact position) {
        resumedAfter.put(collection, position);
    }

    /** True for an event the client had before it resumed. */
    boolean had(ChangeEvent event) {
        EventPosition.Exact after = resumedAfter.get(event.collection());
        return after != null && after.covers(event.position());
    }

    /** Called by the log, never blocking. */
    void offer(ChangeEvent event) {
        if (had(event)) {
            return;
        }
        if (overflowed || !queue.offer(event)) {
            overflowed = true;
        }
    }

    /** The next event, or null when none came within {@code wait}. */
    ChangeEvent poll(Duration wait) throws InterruptedException {
        return queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** True once an event was dropped and the queue has been emptied: time to close the stream. */
    boolean overflowedAndDrained() {
        return overflowed && queue.isEmpty();
    }
}
