package dev.coffer.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of the external OIDC issuer, fetched from its JWKS and cached.
 *
 * <ul>
 *   <li>A token naming a key that is not cached makes one fetch, at most one per {@link
 *   Timing#minFetchInterval} however many such tokens arrive: a flood of forged key ids costs the
 *   issuer at most one request per interval, and cannot keep a genuinely rotated key out for longer
 *   than that interval ("unknown key" is never remembered past it). Nimbus' own JWKS source would
 *   rate-limit to one fetch per 30 s, so two forged tokens kept a rotated key out for 30 s.</li>
 *   <li>Keys older than {@link Timing#refreshInterval} are refreshed in the background while the
 *   cached ones keep serving; a key the issuer dropped stops working at the next successful fetch.</li>
 *   <li>When a fetch fails, the cached keys keep working (an outage is not a reason to refuse valid
 *   users) for up to {@link Timing#maxKeyAge} after the last successful fetch. A token whose key is
 *   not cached then cannot be checked: {@link #get} throws {@link Unreachable}, which becomes 503,
 *   not 401.</li>
 * </ul>
 *
 * <p>Thread-safe: lookups read an immutable snapshot; fetches are serialised by a lock, so
 * concurrent requests share one fetch.
 */
final class IssuerKeys implements JWKSource<SecurityContext> {
    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    /** A JWKS larger than this is refused: no issuer publishes a megabyte of public keys. */
    static final int MAX_JWKS_BYTES = 1024 * 1024;

    /**
     * @param minFetchInterval least time between two fetches
     * @param refreshInterval  age after which cached keys are refreshed (in the background)
     * @param maxKeyAge        age after which cached keys are no longer used, even during an outage
     * @param fetchTimeout     bound for one fetch, connecting included
     */
    record Timing(Duration minFetchInterval, Duration refreshInterval, Duration maxKeyAge, Duration fetchTimeout) {
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24),
                Duration.ofSeconds(5));

        Timing {
            Objects.requireNonNull(minFetchInterval, "minFetchInterval");
            if (minFetchInterval.isNegative() || refreshInterval.compareTo(minFetchInterval) < 0
                    || maxKeyAge.compareTo(refreshInterval) < 0 || !fetchTimeout.isPositive()) {
                throw new IllegalArgumentException("need 0 <= minFetchInterval <= refreshInterval <= maxKeyAge and a positive timeout");
            }
        }
    }

    /** One fetch of the JWKS: when, whether it worked, and why not (a short cause, never a body). */
    record Fetch(Instant at, boolean ok, Optional<String> error) {
    }

    /** What /health shows: how many keys, fetched when, and the last fetch. */
    record Status(URI jwksUri, int keysCached, Optional<Instant> fetchedAt, Optional<Fetch> lastFetch) {
        /** Keys usable and the last fetch worked. */
        boolean current() {
            return keysCached > 0 && lastFetch.map(Fetch::ok).orElse(false);
        }
    }

    /** The token's key is not cached and the JWKS cannot be fetched now. */
    static final class Unreachable extends KeySourceException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** The cache: keys of the last successful fetch (empty before the first) and the last attempt. */
    private record State(JWKSet keys, Optional<Instant> fetchedAt, Optional<Fetch> lastFetch) {
        static final State EMPTY = new State(new JWKSet(), Optional.empty(), Optional.empty());

        JWKSet usableKeys(Instant now, Timing timing) {
            boolean tooOld = fetchedAt.isEmpty() || !now.isBefore(fetchedAt.get().plus(timing.maxKeyAge()));
            return tooOld ? new JWKSet() : keys;
        }

        boolean mayFetch(Instant now, Timing timing) {
            return lastFetch.isEmpty() || !now.isBefore(lastFetch.get().at().plus(timing.minFetchInterval()));
        }

        boolean refreshDue(Instant now, Timing timing) {
            boolean stale = fetchedAt.isEmpty() || !now.isBefore(fetchedAt.get().plus(timing.refreshInterval()))
                    || !lastFetch.map(Fetch::ok).orElse(false);
            return stale && mayFetch(now, timing);
        }
    }

    private final URI jwksUri;
    private final HttpClient client;
    private final Clock clock;
    private final Timing timing;
    private final Executor background;
    private final ReentrantLock fetching = new ReentrantLock();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private volatile State state = State.EMPTY;

    /** {@code background} runs refreshes of stale keys, off the request that noticed them. */
    IssuerKeys(URI jwksUri, Clock clock, Timing timing, Executor background) {
        this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
        this.clock = clock;
        this.timing = timing;
        this.background = background;
        this.client = HttpClient.newBuilder().connectTimeout(timing.fetchTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** A background executor that starts one named virtual thread per refresh. */
    static Executor virtualThreads() {
        return command -> Thread.ofVirtual().name("oidc-keys-refresh").start(command);
    }

    URI jwksUri() {
        return jwksUri;
    }

    /**
     * The cached keys {@code selector} matches; when none match, one fetch if the last is at least
     * {@link Timing#minFetchInterval} ago. Empty when the issuer does not publish such a key.
     *
     * @throws Unreachable when no cached key matches and the last fetch failed
     */
    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        Instant now = clock.instant();
        State current = state;
        List<JWK> found = selector.select(current.usableKeys(now, timing));
        if (!found.isEmpty()) {
            if (current.refreshDue(now, timing) && refreshQueued.compareAndSet(false, true)) {
                background.execute(() -> {
                    try {
                        refreshIfDue();
                    } finally {
                        refreshQueued.set(false);
                    }
                });
            }
            return found;
        }
        fetching.lock();
        try {
            // Another request may have fetched while this one waited for the lock.
            now = clock.instant();
            current = state;
            if (current.mayFetch(now, timing)) {
                current = replace(current, fetch(current));
                now = clock.instant();
            }
            found = selector.select(current.usableKeys(now, timing));
            if (found.isEmpty() && current.lastFetch().isPresent() && !current.lastFetch().get().ok()) {
                throw new Unreachable("the signing keys of the identity provider cannot be fetched from " + jwksUri
                        + " (" + current.lastFetch().get().error().orElse("failed") + ")");
            }
            return found;
        } finally {
            fetching.unlock();
        }
    }

    /**
     * Fetches when the keys are missing, older than the refresh interval or the last fetch failed,
     * and the last fetch is at least the minimum interval ago; otherwise does nothing.
     *
     * @return the status after any fetch
     */
    Status refreshIfDue() {
        fetching.lock();
        try {
            Instant now = clock.instant();
            if (state.refreshDue(now, timing)) {
                replace(state, fetch(state));
            }
            return status();
        } finally {
            fetching.unlock();
        }
    }

    Status status() {
        State current = state;
        return new Status(jwksUri, current.usableKeys(clock.instant(), timing).getKeys().size(), current.fetchedAt(),
                current.lastFetch());
    }

    /** Swaps in {@code next} (under the fetch lock); logs when fetching starts or stops failing, not on every failure. */
    private State replace(State previous, State next) {
        Fetch fetch = next.lastFetch().orElseThrow();
        boolean wasOk = previous.lastFetch().map(Fetch::ok).orElse(true);
        if (wasOk && !fetch.ok()) {
            LOG.warn("oidc: cannot fetch the signing keys from {} ({}); {} cached keys keep serving, tokens with other keys get 503",
                    jwksUri, fetch.error().orElse("failed"), next.usableKeys(fetch.at(), timing).getKeys().size());
        } else if (!wasOk && fetch.ok()) {
            LOG.info("oidc: signing keys fetched again from {} ({} keys)", jwksUri, next.keys().getKeys().size());
        }
        state = next;
        return next;
    }

    /**
     * One GET of the JWKS; on failure the previous keys stay and the failure is recorded. The whole
     * exchange, body included, is bounded by the fetch timeout (a request timeout alone ends at the
     * headers, and a body that trickles in would hold the fetch lock). The fetch is dated when it
     * ends, so requests that queued behind a slow failing fetch do not each start another one.
     */
    private State fetch(State previous) {
        var request = HttpRequest.newBuilder(jwksUri).timeout(timing.fetchTimeout()).header("Accept", "application/json").build();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, info -> new LimitedBody());
        try {
            HttpResponse<byte[]> response = exchange.get(timing.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                return failed(previous, "HTTP " + response.statusCode());
            }
            // Only public parts: a JWKS that wrongly carries private keys must not make them usable here.
            JWKSet keys = JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8)).toPublicJWKSet();
            if (keys.isEmpty()) {
                return failed(previous, "no keys in the key set");
            }
            Instant now = clock.instant();
            return new State(keys, Optional.of(now), Optional.of(new Fetch(now, true, Optional.empty())));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return failed(previous, "no answer within " + timing.fetchTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return failed(previous, "no answer within " + timing.fetchTimeout().toMillis() + " ms");
            }
            if (cause instanceof BodyTooLarge) {
                return failed(previous, "larger than " + MAX_JWKS_BYTES + " bytes");
            }
            return failed(previous, "cannot connect (" + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")");
        } catch (ParseException e) {
            return failed(previous, "not a JSON Web Key Set");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return failed(previous, "interrupted");
        }
    }

    private State failed(State previous, String error) {
        return new State(previous.keys(), previous.fetchedAt(), Optional.of(new Fetch(clock.instant(), false, Optional.of(error))));
    }

    private static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("larger than " + MAX_JWKS_BYTES + " bytes");
        }
    }

    /** Collects the body up to {@link #MAX_JWKS_BYTES}; a larger one fails instead of filling memory. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_JWKS_BYTES) {
                    subscription.cancel();
                    body.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
