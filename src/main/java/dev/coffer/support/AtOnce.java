package dev.coffer.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Independent blocking calls (a describe per table, a health probe per dependency) run at once, one
 * virtual thread each: the caller waits for the slowest call, not the sum of them.
 */
public final class AtOnce {
    private AtOnce() {
    }

    /**
     * The results of {@code calls}, in their order. A call's own unchecked exception is thrown as
     * it is (the first failing call in order wins), after every call has ended.
     */
    public static <T> List<T> all(List<? extends Supplier<? extends T>> calls) {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var pending = new ArrayList<Future<? extends T>>(calls.size());
            for (Supplier<? extends T> call : calls) {
                Callable<T> task = call::get;
                pending.add(threads.submit(task));
            }
            var results = new ArrayList<T>(calls.size());
            for (Future<? extends T> call : pending) {
                results.add(result(call));
            }
            return results;
        }
    }

    private static <T> T result(Future<T> call) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            throw rethrown(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for calls made at once", e);
        }
    }

    /**
     * What a task that ended in {@code failure} threw, thrown again as it was: its unchecked
     * exception or error, or (a checked exception, which these tasks do not throw) wrapped.
     * Declared to return so that callers can write {@code throw rethrown(e)}.
     */
    public static RuntimeException rethrown(ExecutionException failure) {
        switch (failure.getCause()) {
            case RuntimeException unchecked -> throw unchecked;
            case Error error -> throw error;
            default -> throw new IllegalStateException(failure.getCause());
        }
    }
}
