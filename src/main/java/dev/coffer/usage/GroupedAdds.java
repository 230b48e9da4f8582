package dev.coffer.usage;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit for one key's counter writes: asks that arrive while a write for the same key is in
 * flight wait, and go together in the next write, run by the first of them; the others take their
 * answer from it. Under one user's concurrent creates this turns N counter updates into about one
 * per round trip, and alone an ask runs at once, as before.
 *
 * <p>Mutual exclusion is not what keeps a quota exact: the runner's write is an atomic ADD that
 * answers the counter after it, and each batch judges only its own increments, so two batches of
 * one key in flight at once (a lane dropped while idle and made anew) stay correct. Each thread
 * runs at most the one batch holding its own ask, so no request waits on others' rounds.
 *
 * @param <K> whose counter (the user)
 * @param <A> one ask
 * @param <R> the answer to one ask
 */
final class GroupedAdds<K, A, R> {
    /** Writes one batch and answers every ask in it, in order; an exception answers all of them. */
    @FunctionalInterface
    interface Runner<K, A, R> {
        List<R> run(K key, List<A> batch);
    }

    private final Runner<K, A, R> runner;
    private final ConcurrentHashMap<K, Lane<A, R>> lanes = new ConcurrentHashMap<>();

    GroupedAdds(Runner<K, A, R> runner) {
        this.runner = runner;
    }

    /** The answer to {@code ask}, after the batch holding it was written; rethrows the batch's failure. */
    R submit(K key, A ask) {
        var me = new Waiting<A, R>(ask, new CompletableFuture<>());
        Lane<A, R> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
        List<Waiting<A, R>> batch = null;
        synchronized (lane) {
            lane.queue.add(me);
            if (!lane.busy) {
                lane.busy = true;
                batch = lane.drain();
            }
        }
        if (batch == null) {
            // Either the answer, or the turn to run the batch this ask is the first of.
            Signal<A, R> signal = me.signal.join();
            if (!(signal instanceof Signal.Lead<A, R> lead)) {
                return answer(signal);
            }
            batch = lead.batch();
        }
        return answer(runAndHandOff(key, lane, batch, me));
    }

    private R answer(Signal<A, R> signal) {
        return switch (signal) {
            case Signal.Answer<A, R> answer -> answer.value();
            case Signal.Failed<A, R> failed -> throw failed.rethrown();
            case Signal.Lead<A, R> lead -> throw new IllegalStateException("a lead is not an answer");
        };
    }

    /** Runs {@code batch}, answers the others in it, passes the next batch on, and returns {@code me}'s answer. */
    private Signal<A, R> runAndHandOff(K key, Lane<A, R> lane, List<Waiting<A, R>> batch, Waiting<A, R> me) {
        Signal<A, R> mine = null;
        try {
            List<R> answers = runner.run(key, batch.stream().map(Waiting::ask).toList());
            for (int i = 0; i < batch.size(); i++) {
                Signal<A, R> answer = new Signal.Answer<>(answers.get(i));
                if (batch.get(i) == me) {
                    mine = answer;
                } else {
                    batch.get(i).signal.complete(answer);
                }
            }
        } catch (RuntimeException | Error e) {
            mine = new Signal.Failed<>(e);
            for (var w : batch) {
                if (w != me) {
                    w.signal.complete(new Signal.Failed<>(e));
                }
            }
        } finally {
            List<Waiting<A, R>> next;
            synchronized (lane) {
                next = lane.drain();
                if (next.isEmpty()) {
                    lane.busy = false;
                    lanes.remove(key, lane);
                }
            }
            if (!next.isEmpty()) {
                next.getFirst().signal.complete(new Signal.Lead<>(next));
            }
        }
        return mine;
    }

    /** How many asks of {@code key} wait behind its write in flight (for tests). */
    int queued(K key) {
        Lane<A, R> lane = lanes.get(key);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.queue.size();
        }
    }

    /** How many keys have a lane now (for tests: lanes go when idle). */
    int lanes() {
        return lanes.size();
    }

    private record Waiting<A, R>(A ask, CompletableFuture<Signal<A, R>> signal) {
    }

    /** What a waiting ask is told: its answer, the batch's failure, or to run the next batch (once, then its answer). */
    private sealed interface Signal<A, R> {
        record Answer<A, R>(R value) implements Signal<A, R> {
        }

        record Failed<A, R>(Throwable thrown) implements Signal<A, R> {
            RuntimeException rethrown() {
                if (thrown instanceof Error error) {
                    throw error;
                }
                return (RuntimeException) thrown;
            }
        }

        record Lead<A, R>(List<Waiting<A, R>> batch) implements Signal<A, R> {
        }
    }

    private static final class Lane<A, R> {
        final ArrayDeque<Waiting<A, R>> queue = new ArrayDeque<>();
        boolean busy;

        List<Waiting<A, R>> drain() {
            List<Waiting<A, R>> batch = List.copyOf(queue);
            queue.clear();
            return batch;
        }
    }
}
