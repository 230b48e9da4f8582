package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The grouping under the usage counters: asks that arrive while a write for their key is in flight
 * go together in the next write, every ask gets its own answer (or the batch's failure), and other
 * keys never wait for it.
 */
class GroupedAddsTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** A runner that records its batches, answers "key:ask", and holds its first batch until released. */
    private static final class Recording implements GroupedAdds.Runner<String, Integer, String> {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstRunning = new CountDownLatch(1);
        final CountDownLatch releaseFirst = new CountDownLatch(1);
        final AtomicBoolean first = new AtomicBoolean(true);

        @Override
        public List<String> run(String key, List<Integer> batch) {
            batches.add(batch);
            if (first.getAndSet(false)) {
                firstRunning.countDown();
                await(releaseFirst);
            }
            return batch.stream().map(a -> key + ":" + a).toList();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (spinning, no sleep) until {@code n} asks of {@code key} are queued behind the write in flight. */
    private static void untilQueued(GroupedAdds<String, ?, ?> adds, String key, int n) {
        while (adds.queued(key) < n) {
            Thread.onSpinWait();
        }
    }

    @Test
    void asksArrivingDuringAWrite_goTogetherInTheNext_eachGetsItsOwnAnswer() throws Exception {
        var runner = new Recording();
        var adds = new GroupedAdds<>(runner);
        Future<String> firstAnswer = pool.submit(() -> adds.submit("alice", 0));
        await(runner.firstRunning);
        var later = new ArrayList<Future<String>>();
        for (int i = 1; i <= 15; i++) {
            int ask = i;
            later.add(pool.submit(() -> adds.submit("alice", ask)));
        }
        untilQueued(adds, "alice", 15);
        runner.releaseFirst.countDown();

        assertThat(firstAnswer.get()).isEqualTo("alice:0");
        for (int i = 1; i <= 15; i++) {
            assertThat(later.get(i - 1).get()).isEqualTo("alice:" + i);
        }
        assertThat(runner.batches).hasSize(2);
        assertThat(runner.batches.get(0)).containsExactly(0);
        assertThat(runner.batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(adds.lanes()).as("an idle key keeps no lane").isZero();
    }

    @Test
    void anotherKey_doesNotWaitForAWriteInFlight() throws Exception {
        var runner = new Recording();
        var adds = new GroupedAdds<>(runner);
        Future<String> held = pool.submit(() -> adds.submit("alice", 1));
        await(runner.firstRunning);

        assertThat(adds.submit("bob", 2)).isEqualTo("bob:2");
        assertThat(held.isDone()).isFalse();
        runner.releaseFirst.countDown();
        assertThat(held.get()).isEqualTo("alice:1");
    }

    @Test
    void aFailedWrite_answersEveryAskInItsBatch_theNextBatchStillRuns() throws Exception {
        var firstRunning = new CountDownLatch(1);
        var releaseFirst = new CountDownLatch(1);
        var calls = new ArrayList<List<Integer>>();
        GroupedAdds<String, Integer, String> adds = new GroupedAdds<>((key, batch) -> {
            synchronized (calls) {
                calls.add(batch);
            }
            if (batch.contains(0)) {
                firstRunning.countDown();
                await(releaseFirst);
                return batch.stream().map(a -> "ok " + a).toList();
            }
            if (batch.contains(1)) {
                throw new IllegalStateException("backend down");
            }
            return batch.stream().map(a -> "ok " + a).toList();
        });
        Future<String> first = pool.submit(() -> adds.submit("k", 0));
        await(firstRunning);
        Future<String> one = pool.submit(() -> adds.submit("k", 1));
        Future<String> two = pool.submit(() -> adds.submit("k", 2));
        untilQueued(adds, "k", 2);
        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo("ok 0");
        for (Future<String> f : List.of(one, two)) {
            assertThatThrownBy(f::get).hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("backend down");
        }
        assertThat(adds.submit("k", 3)).isEqualTo("ok 3");
        assertThat(adds.lanes()).isZero();
    }
}
