package dev.coffer.usage;

import dev.coffer.config.QuotasConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.CallerGate;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The usage piece at the HTTP edge, a {@link CallerGate}: binds the verified caller to the
 * request's thread (so the AWS calls of the request are counted for them), enforces
 * {@code quotas.requests_per_minute} (429 {@code quota_exceeded} with Retry-After) and counts
 * the admitted request by service and kind in the {@link Tally}.
 *
 * <p>The request is counted when it is admitted, before its handler runs, not when its answer
 * is done: a streamed answer (a download) reaches the client before the edge's observers run, so
 * a count made then could miss a usage report the client asks for right after. A request the
 * quota refuses did no work and is not counted.
 *
 * <p>The request rate is counted per instance, in a window of one clock minute: behind a load
 * balancer of N instances a user can make up to N times the quota. The user's override is read
 * (one eventually consistent GetItem) once a minute per active user.
 */
public final class RequestMeter implements CallerGate {
    private static final int MAX_TRACKED_USERS = 100_000;

    private final Tally tally;
    private final UsageStore store;
    private final QuotasConfig quotas;
    private final Clock clock;
    private final ConcurrentHashMap<UserId, Window> windows = new ConcurrentHashMap<>();

    public RequestMeter(Tally tally, UsageStore store, QuotasConfig quotas, Clock clock) {
        this.tally = tally;
        this.store = store;
        this.quotas = quotas;
        this.clock = clock;
    }

    /** One user's requests in one minute, and the limit read for them in that minute. */
    private static final class Window {
        final long minute;
        final Optional<Long> limit;
        final AtomicLong count = new AtomicLong();

        Window(long minute, Optional<Long> limit) {
            this.minute = minute;
            this.limit = limit;
        }
    }

    @Override
    public void admit(String method, String route, Caller caller) {
        UserId user = caller.userId();
        tally.attribute(user);
        long now = clock.millis();
        long minute = now / 60_000;
        if (windows.size() > MAX_TRACKED_USERS) {
            windows.values().removeIf(w -> w.minute < minute);
        }
        Window window = windows.get(user);
        if (window == null || window.minute != minute) {
            // Read outside the map's lock; two racing first requests of a minute may both read it.
            Window fresh = new Window(minute, limitFor(user));
            window = windows.compute(user, (k, old) -> old != null && old.minute == minute ? old : fresh);
        }
        if (window.limit.isPresent() && window.count.incrementAndGet() > window.limit.get()) {
            var members = new LinkedHashMap<String, Object>();
            tally.refused(QuotaKey.REQUESTS_PER_MINUTE);
            members.put("quota", QuotaKey.REQUESTS_PER_MINUTE.label());
            members.put("limit", window.limit.get());
            members.put("usage", window.limit.get());
            throw new CofferException(ErrorCode.QUOTA_EXCEEDED, "quota requests_per_minute reached: this account made "
                    + window.limit.get() + " requests this minute, the most it may", null,
                    Duration.ofMillis(60_000 - now % 60_000), null).with(429, members);
        }
        boolean write = !(method.equals("GET") || method.equals("HEAD"));
        tally.request(user, service(route), write);
    }

    @Override
    public void leave() {
        tally.detach();
    }

    private Optional<Long> limitFor(UserId user) {
        return store.limit(store.overrides(user), QuotaKey.REQUESTS_PER_MINUTE);
    }

    /** The service a route belongs to, by its declared pattern. */
    static String service(String route) {
        for (var entry : SERVICES.entrySet()) {
            if (route.startsWith(entry.getKey())) {
                return entry.getValue();
            }
        }
        return "other";
    }

    /** Every name {@link #service} answers. */
    static final java.util.List<String> SERVICE_NAMES = java.util.List.of("records", "files", "auth", "admin", "other");

    private static final Map<String, String> SERVICES = Map.of("/api/v1/collections", "records", "/api/v1/files", "files",
            "/api/v1/auth", "auth", "/api/v1/admin", "admin");
}
