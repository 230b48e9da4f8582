package dev.coffer.http;

import dev.coffer.identity.Caller;

/**
 * Consulted for every request to a protected route once its caller is verified and admitted by
 * the route's {@link Access}, before the handler runs, on the request's own thread: per-user
 * request limits (throw a {@link dev.coffer.error.CofferException}, answered as a problem) and
 * binding the caller to the thread for work attributed to them (a {@link RequestObserver}, told
 * of every answered request on the same thread, unbinds it).
 */
@FunctionalInterface
public interface CallerGate {
    /**
     * @param route the declared pattern that matched
     * @throws dev.coffer.error.CofferException to refuse the request
     */
    void admit(String method, String route, Caller caller);

    /**
     * Called on the request's thread when the edge is done with it, whether the request was
     * admitted, refused or handed to an event stream's own thread: whatever {@link #admit} bound
     * to this thread must not outlive the request (the thread serves other callers next).
     */
    default void leave() {
    }
}
