package dev.coffer.events;

import dev.coffer.identity.UserId;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
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

    Subscriber(UserId user, int capacity) {
        this.user = user;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    UserId user() {
        return user;
    }

    /** Called by the log, never blocking. */
    void offer(ChangeEvent event) {
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
