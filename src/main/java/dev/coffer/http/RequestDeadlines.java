package dev.coffer.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link ArrivalTimeLimit}: one task on Jetty's scheduler looks at the open connections a
 * few times per timeout, closes those whose request headers have been arriving for longer than
 * the timeout, and fails the bodies that have kept their route waiting for longer than their
 * bytes allow. The idle timeout alone cannot do this: each trickled byte restarts it.
 *
 * <p>Failing a body (not closing its connection) wakes the thread blocked reading it at once: the
 * read throws, the route gives up, and the edge still answers 408 before the connection closes.
 * Headers are read without a thread, so closing is all there is to do. Thread-safe.
 */
final class RequestDeadlines {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ArrivalTimeLimit limit;
    private final long tickNanos;
    private final Set<Body> arriving = ConcurrentHashMap.newKeySet();
    private volatile ServerConnector connector;
    private volatile Scheduler scheduler;

    RequestDeadlines(Duration timeout, long minBytesPerSecond) {
        this.limit = new ArrivalTimeLimit(timeout, minBytesPerSecond);
        this.tickNanos = Math.clamp(timeout.toNanos() / 4, MIN_TICK_NANOS, MAX_TICK_NANOS);
    }

    /** Starts watching {@code connector}'s connections; stops by itself when the connector stops. */
    void start(ServerConnector connector) {
        this.connector = connector;
        this.scheduler = connector.getScheduler();
        scheduleSweep();
    }

    /**
     * The request as the routes should see it: when it has a body, a view that measures how long
     * its reads wait and is failed when they have waited too long; otherwise the request itself.
     */
    Request track(Request request) {
        if (!Exchange.hasBody(request)) {
            return request;
        }
        var body = new Body(request);
        arriving.add(body);
        return body;
    }

    /** Stops watching {@code request}'s body (the request is answered); a no-op for an untracked one. */
    void untrack(Request request) {
        if (request instanceof Body body) {
            arriving.remove(body);
        }
    }

    /** True when {@code request}'s body was cut off for arriving too slowly. */
    static boolean expired(Request request) {
        return request instanceof Body body && body.expired;
    }

    private void scheduleSweep() {
        try {
            scheduler.schedule(this::sweep, tickNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException stopped) {
            // The server is stopping: its scheduler takes no more tasks, and nothing is left to watch.
        }
    }

    private void sweep() {
        if (!connector.isRunning()) {
            return;
        }
        try {
            long now = NanoTime.now();
            closeLateHeaders(now);
            for (Body body : arriving) {
                body.failIfLate(now);
            }
        } catch (RuntimeException e) {
            LOG.warn("checking request deadlines failed: {}", e.toString());
        } finally {
            scheduleSweep();
        }
    }

    private void closeLateHeaders(long now) {
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            // Jetty's HTTP/1.1 connection exposes its parser, which knows whether a request's
            // headers are arriving and when its first byte came (volatile state, read racily but
            // safely: a stale read only delays the close to the next sweep).
            if (endPoint.getConnection() instanceof HttpConnection http) {
                HttpParser parser = http.getParser();
                if (!parser.isStart() && parser.inHeaderState() && limit.exceeded(now - parser.getBeginNanoTime(), 0)) {
                    LOG.debug("closing a connection from {}: its request headers took longer than {}",
                            endPoint.getRemoteSocketAddress(), limit.timeout());
                    endPoint.close();
                }
            }
        }
    }

    /**
     * A request body on its way in: counts the bytes the route has read and the time its reads
     * have waited for more, and is failed when that wait is more than the bytes allow.
     */
    private final class Body extends Request.Wrapper {
        private static final long NOT_WAITING = Long.MIN_VALUE;
        private final AtomicLong received = new AtomicLong();
        private long waitedNanos;
        private long waitingSince = NOT_WAITING;
        private volatile boolean complete;
        private volatile boolean expired;

        Body(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                received.addAndGet(chunk.remaining());
                if (chunk.isLast()) {
                    complete = true;
                    arriving.remove(this);
                }
            }
            return chunk;
        }

        @Override
        public void demand(Runnable onAvailable) {
            startWaiting();
            // Keeps the callback's invocation type, so Jetty may still run a non-blocking one in place.
            super.demand(Invocable.from(Invocable.getInvocationType(onAvailable), () -> {
                stopWaiting();
                onAvailable.run();
            }));
        }

        private synchronized void startWaiting() {
            if (waitingSince == NOT_WAITING) {
                waitingSince = NanoTime.now();
            }
        }

        private synchronized void stopWaiting() {
            if (waitingSince != NOT_WAITING) {
                waitedNanos += NanoTime.now() - waitingSince;
                waitingSince = NOT_WAITING;
            }
        }

        /** Only while a read waits: a route busy with its own work between reads is not the client's doing. */
        private synchronized boolean late(long now) {
            return waitingSince != NOT_WAITING && limit.exceeded(waitedNanos + (now - waitingSince), received.get());
        }

        void failIfLate(long now) {
            if (complete || expired || !late(now)) {
                return;
            }
            expired = true;
            arriving.remove(this);
            // Makes the waiting read (and every later one) fail now; the route's thread is free.
            fail(new TimeoutException("the request body did not arrive in time"));
        }
    }
}
