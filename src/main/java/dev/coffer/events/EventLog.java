package dev.coffer.events;

import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One collection's recent events on this instance, and who is subscribed to them: the replay
 * buffer that Last-Event-ID resumes from, and the fan-out of new events to the subscribers of the
 * partition each event is in (a subscriber only ever gets its own user's events).
 *
 * <p>The buffer keeps the events of the last {@code window} (by the records' creation times) and
 * at most {@code maxBytes} of them; what falls out moves the start of what this instance can
 * replay. Subscribing and appending take one lock, so a subscriber gets every event exactly once
 * across its replay and its live events. Thread-safe.
 */
final class EventLog {
    /**
     * DynamoDB gives a record's creation time to the second: a resume by time goes this much
     * further back, so it may repeat an event (delivery is at least once) but never skips one.
     */
    static final Duration TIME_SLACK = Duration.ofSeconds(2);
    /** How long a subscription waits for the instance's first read of the stream. */
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(30);

    /** What a subscriber gets first: the events after its position, or word that they are gone. */
    sealed interface Replay {
        record Events(List<ChangeEvent> events) implements Replay {
        }

        /** The position is older than what this instance keeps: the client must read afresh. */
        record Gap(long coveredFromMillis) implements Replay {
        }
    }

    private final String collection;
    private final Duration window;
    private final long maxBytes;
    private final Clock clock;
    private final ArrayDeque<ChangeEvent> recent = new ArrayDeque<>();
    private final Map<UserId, Set<Subscriber>> subscribers = new HashMap<>();
    private long bytes;
    private long coveredFromMillis;
    private boolean caughtUp;

    EventLog(String collection, Duration window, long maxBytes, Clock clock) {
        this.collection = collection;
        this.window = window;
        this.maxBytes = maxBytes;
        this.clock = clock;
        // The reader starts at the oldest record the stream keeps (24 h on AWS): everything of
        // the window before this instance started is read too.
        this.coveredFromMillis = clock.millis() - window.toMillis();
    }

    String collection() {
        return collection;
    }

    synchronized void append(ChangeEvent event) {
        recent.addLast(event);
        bytes += event.weight();
        evict();
        if (caughtUp) {
            Set<Subscriber> own = subscribers.get(event.user());
            if (own != null) {
                own.forEach(s -> s.offer(event));
            }
        }
    }

    /** The reader has read every shard to its end once: from now on events are news. */
    synchronized void caughtUp() {
        caughtUp = true;
        notifyAll();
    }

    synchronized boolean isCaughtUp() {
        return caughtUp;
    }

    /** Where a new subscription starts: after the newest event kept, or now. */
    synchronized EventPosition head() {
        return recent.isEmpty() ? new EventPosition.Since(clock.millis()) : recent.getLast().position();
    }

    /** Where a subscription starts and what it gets first. */
    record Subscription(EventPosition start, Replay replay) {
    }

    /**
     * Registers {@code subscriber} for new events and returns the events of its user after
     * {@code from} (none when empty: it starts at the head), atomically. Waits for the reader's
     * first pass over the stream (at start-up).
     */
    synchronized Subscription subscribe(Subscriber subscriber, java.util.Optional<EventPosition> from) throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP_WAIT.toNanos();
        while (!caughtUp) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("the stream of " + collection + " has not been read yet");
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (from.isPresent() && from.get() instanceof EventPosition.Exact exact) {
            subscriber.resumesAfter(collection, exact);
        }
        subscribers.computeIfAbsent(subscriber.user(), u -> new HashSet<>()).add(subscriber);
        if (from.isEmpty()) {
            return new Subscription(head(), new Replay.Events(List.of()));
        }
        List<ChangeEvent> after = after(from.get());
        if (after == null) {
            return new Subscription(head(), new Replay.Gap(coveredFromMillis));
        }
        return new Subscription(from.get(), new Replay.Events(after.stream()
                .filter(e -> e.user().equals(subscriber.user()) && !subscriber.had(e)).toList()));
    }

    synchronized void unsubscribe(Subscriber subscriber) {
        Set<Subscriber> own = subscribers.get(subscriber.user());
        if (own != null) {
            own.remove(subscriber);
            if (own.isEmpty()) {
                subscribers.remove(subscriber.user());
            }
        }
    }

    /** The kept events after {@code from}, or null when some of them are no longer kept. */
    private List<ChangeEvent> after(EventPosition from) {
        if (from instanceof EventPosition.Exact exact) {
            var found = new ArrayList<ChangeEvent>();
            for (Iterator<ChangeEvent> it = recent.descendingIterator(); it.hasNext(); ) {
                ChangeEvent e = it.next();
                if (e.position().shard().equals(exact.shard()) && e.position().sequence().equals(exact.sequence())) {
                    return found.reversed();
                }
                found.add(e);
            }
            // Not (or no longer, or not yet) here: resume by its time instead.
        }
        long since = from.atMillis() - TIME_SLACK.toMillis();
        if (since < coveredFromMillis) {
            return null;
        }
        return recent.stream().filter(e -> e.position().atMillis() >= since).toList();
    }

    private void evict() {
        long oldest = clock.millis() - window.toMillis();
        while (!recent.isEmpty() && (bytes > maxBytes || recent.getFirst().position().atMillis() < oldest)) {
            ChangeEvent gone = recent.removeFirst();
            bytes -= gone.weight();
            coveredFromMillis = Math.max(coveredFromMillis, gone.position().atMillis() + 1);
        }
    }
}
