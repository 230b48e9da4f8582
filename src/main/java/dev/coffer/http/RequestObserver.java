package dev.coffer.http;

/**
 * Told of every answered request, on the request's own thread, after the answer is decided and
 * before it is flushed. Observers must be quick and must not throw: a failing observer is logged
 * and skipped, never allowed to change the answer.
 */
@FunctionalInterface
public interface RequestObserver {
    /**
     * A request arrived (before its route is known); {@link #completed} follows for it once it is
     * answered. For what needs to know what is in flight; empty by default.
     */
    default void started() {
    }

    void completed(CompletedRequest request);
}
