package dev.coffer.metrics;

import dev.coffer.http.CompletedRequest;
import dev.coffer.http.RequestObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP series from the edge's {@link CompletedRequest}s: {@code coffer_http_requests_seconds}
 * (a histogram, so count, sum and buckets) by method, route template and status class, and
 * {@code coffer_http_requests_in_flight}. Labels use the declared route ({@code unmatched} when
 * none matched), never the path, so user ids and file names cannot become label values.
 * Thread-safe.
 */
final class RequestMetrics implements RequestObserver {
    static final String UNMATCHED = "unmatched";

    private record Key(String method, String route, String status) {
    }

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** One timer per label set, found without building tags on every request. */
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("coffer.http.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Requests received and not yet answered").register(registry);
    }

    @Override
    public void started() {
        inFlight.incrementAndGet();
    }

    @Override
    public void completed(CompletedRequest request) {
        inFlight.decrementAndGet();
        // Methods are bounded by what Jetty parses; anything odd shares one label.
        String method = switch (request.method()) {
            case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" -> request.method();
            default -> "OTHER";
        };
        var key = new Key(method, request.route().orElse(UNMATCHED), request.statusClass());
        timers.computeIfAbsent(key, this::timer).record(request.durationNanos(), TimeUnit.NANOSECONDS);
    }

    private Timer timer(Key key) {
        return Timer.builder("coffer.http.requests")
                .description("Answered HTTP requests by route template and status class")
                .tags("method", key.method(), "route", key.route(), "status", key.status())
                .serviceLevelObjectives(Buckets.LATENCY)
                .register(registry);
    }
}
