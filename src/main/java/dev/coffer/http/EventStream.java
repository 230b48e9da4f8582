package dev.coffer.http;

import java.io.IOException;

/**
 * A long-lived answer of Server-Sent Events, as a streaming route returns it: the edge sends the
 * status and {@code text/event-stream} headers, then runs it on a virtual thread of its own (no
 * request slot and no pool thread is held while it waits for events), and finishes the exchange
 * when it returns or throws. The request timeout does not apply (it bounds how long a request
 * takes to arrive); the connection's idle timeout does, so a stream must write (heartbeats)
 * more often than {@code server.idle_timeout}.
 */
@FunctionalInterface
public interface EventStream {
    /** Writes the events; returns to close the stream. Interrupted when the server stops. */
    void run(Sink sink) throws Exception;

    /** Where a stream writes: each call is written and flushed at once. */
    @FunctionalInterface
    interface Sink {
        void write(String text) throws IOException;
    }

    /** What a streaming route runs: checks the request (throwing for a problem answer) and opens the stream. */
    @FunctionalInterface
    interface Endpoint {
        EventStream open(Exchange exchange, dev.coffer.identity.Caller caller) throws Exception;
    }
}
