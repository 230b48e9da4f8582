package dev.coffer.http;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Which requests are served at once. API routes share {@code server.max_concurrent_requests}
 * slots (503 when full), and a client behind a trusted proxy may hold at most
 * {@code server.max_connections_per_address} of them (429 beyond: the proxy's connections are
 * not capped, so its clients are, here). Health checks never compete with API requests:
 * {@code /health} and {@code /health/ready} have a small reserve of their own, and
 * {@code /health/live} needs no slot at all, so a server whose API slots are all taken (by slow
 * clients or real load) still tells its orchestrator it is alive and whether it is ready.
 *
 * <p>Only a request holding an API slot may wait for its body: the thread pool has one thread per
 * slot, so waiting without one could take the threads health checks need. Thread-safe.
 */
final class Admission {
    /** Health checks served at once; the report is cached and computed by one caller at a time. */
    static final int HEALTH_RESERVE = 8;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** A request's slot: released when the request is answered; {@link #NONE} for a request that holds none. */
    record Slot(Runnable release, boolean mayWaitForBody) implements AutoCloseable {
        static final Slot NONE = new Slot(() -> { }, false);

        @Override
        public void close() {
            release.run();
        }
    }

    private final Semaphore api;
    private final Semaphore health = new Semaphore(HEALTH_RESERVE);
    private final PerAddressLimit forwardedClients;

    Admission(int maxConcurrentRequests, int maxPerClient) {
        this.api = new Semaphore(maxConcurrentRequests);
        this.forwardedClients = new PerAddressLimit(maxPerClient);
    }

    /**
     * A slot for a request to a known route.
     *
     * @param forwarded true when {@code client} was named by a trusted proxy (not the socket peer)
     * @throws CofferException {@code overloaded} or {@code rate_limited}, with Retry-After
     */
    Slot admit(String path, String client, boolean forwarded) {
        if (path.equals(HealthRoutes.LIVE)) {
            return Slot.NONE;
        }
        if (path.equals(HealthRoutes.READY) || path.equals(HealthRoutes.REPORT)) {
            if (!health.tryAcquire()) {
                throw overloaded("too many health checks in flight; retry shortly");
            }
            return new Slot(health::release, false);
        }
        if (forwarded && !forwardedClients.tryAcquire(client)) {
            throw new CofferException(ErrorCode.RATE_LIMITED, "too many requests in flight from this client; retry shortly",
                    null, RETRY_AFTER, null);
        }
        if (!api.tryAcquire()) {
            if (forwarded) {
                forwardedClients.release(client);
            }
            throw overloaded("too many requests in flight; retry shortly");
        }
        return new Slot(forwarded ? () -> {
            api.release();
            forwardedClients.release(client);
        } : api::release, true);
    }

    private static CofferException overloaded(String detail) {
        return new CofferException(ErrorCode.OVERLOADED, detail, null, RETRY_AFTER, null);
    }
}
