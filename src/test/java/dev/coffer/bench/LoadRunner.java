package dev.coffer.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator: {@code clients} platform threads each run the operation back to
 * back until the time budget or the operation budget is spent (both bounded), recording every
 * latency. Errors are counted, never hidden. Platform threads, not virtual ones: the SDK's blocking
 * clients run faster on them (measured: the same GetItem calls behind a bare Jetty handler on
 * pooled threads beat them on virtual threads), and the direct side must be the SDK at its best.
 */
final class LoadRunner {
    private LoadRunner() {
    }

    /** One measured run. */
    record Result(String name, int clients, long ops, long errors, Duration elapsed, long[] sortedLatencyNanos) {
        /** Several runs of the same cell as one: operations, errors, time and latencies add up. */
        static Result merge(List<Result> parts) {
            long ops = 0;
            long errors = 0;
            Duration elapsed = Duration.ZERO;
            for (Result r : parts) {
                ops += r.ops();
                errors += r.errors();
                elapsed = elapsed.plus(r.elapsed());
            }
            long[] all = parts.stream().flatMapToLong(r -> Arrays.stream(r.sortedLatencyNanos())).sorted().toArray();
            return new Result(parts.getFirst().name(), parts.getFirst().clients(), ops, errors, elapsed, all);
        }

        double perSecond() {
            return ops / (elapsed.toNanos() / 1e9);
        }

        double percentileMillis(double p) {
            if (sortedLatencyNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sortedLatencyNanos.length - 1, Math.ceil(p / 100.0 * sortedLatencyNanos.length) - 1);
            return sortedLatencyNanos[Math.max(0, index)] / 1e6;
        }
    }

    /** A factory gives each client its own operation (e.g. its own ids to read). */
    interface OperationFactory {
        Callable<?> forClient(int client);
    }

    static Result run(String name, int clients, Duration budget, long maxOps, OperationFactory factory) throws Exception {
        var started = new AtomicLong();
        var errors = new AtomicLong();
        List<long[]> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long deadline = System.nanoTime() + budget.toNanos();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Callable<?> op = factory.forClient(c);
            long[][] holder = new long[1][];
            perClient.add(null);
            int slot = c;
            threads.add(Thread.ofPlatform().daemon().name("bench-" + name + "-" + c).start(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                while (System.nanoTime() < deadline && started.incrementAndGet() <= maxOps) {
                    long s = System.nanoTime();
                    try {
                        op.call();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        continue;
                    }
                    long took = System.nanoTime() - s;
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = took;
                }
                holder[0] = Arrays.copyOf(latencies, n);
                synchronized (perClient) {
                    perClient.set(slot, holder[0]);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(name, clients, all.length, errors.get(), elapsed, all);
    }
}
