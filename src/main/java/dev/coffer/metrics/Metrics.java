package dev.coffer.metrics;

import dev.coffer.aws.AwsClients;
import dev.coffer.config.MetricsConfig;
import dev.coffer.config.ServerConfig;
import dev.coffer.health.HealthReport;
import dev.coffer.http.ApiModule;
import dev.coffer.http.HttpServer;
import dev.coffer.http.RequestObserver;
import dev.coffer.identity.Authenticator;
import dev.coffer.support.logging.SecretMasker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coffer's metrics: one Prometheus registry fed by the HTTP edge ({@link #requestObserver()}),
 * the AWS clients (subscribed at {@link #start}), gauges read at scrape time (credentials expiry,
 * the last health report: no AWS call per scrape) and the JVM binders; served as
 * {@code GET /metrics} on the API port with the operator's token ({@link #apiRoutes()}) and/or on
 * a management port of its own ({@link #serveManagementPort}). Built only when
 * {@link MetricsConfig#enabled()}; {@link #close()} unsubscribes and stops the management port.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    /** What the gauges read, each at scrape time. */
    public record Sources(AwsClients aws, Supplier<Optional<Instant>> credentialsExpiry,
                          Supplier<Optional<HealthReport>> lastHealth, Clock clock) {
    }

    private final MetricsConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RequestMetrics requests;
    private final List<AutoCloseable> closing = new ArrayList<>();

    private Metrics(MetricsConfig config) {
        this.config = config;
        this.requests = new RequestMetrics(registry);
    }

    /** The registry with every series bound; subscribed to {@code sources.aws()}. */
    public static Metrics start(MetricsConfig config, Sources sources) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("metrics are off: neither metrics.token nor metrics.port is set");
        }
        config.token().ifPresent(token -> SecretMasker.register(token.reveal()));
        Metrics metrics = new Metrics(config);
        var registry = metrics.registry;
        metrics.closing.add(sources.aws().subscribe(new AwsCallMetrics(registry)));
        new JvmMemoryMetrics().bindTo(registry);
        var gc = new JvmGcMetrics();
        gc.bindTo(registry);
        metrics.closing.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("coffer.credentials.expiry", () -> secondsLeft(sources.credentialsExpiry().get(), sources.clock()))
                .baseUnit("seconds")
                .description("Seconds until the AWS credentials in use expire (NaN for keys that do not expire)")
                .strongReference(true).register(registry);
        HealthGauges.bind(registry, sources.lastHealth());
        return metrics;
    }

    private static double secondsLeft(Optional<Instant> expiry, Clock clock) {
        return expiry.map(at -> (double) Duration.between(clock.instant(), at).toMillis() / 1000.0).orElse(Double.NaN);
    }

    /**
     * Adds the series of another piece (usage) to the registry; for the composition root, which
     * alone sees both. The binder reads its own state at scrape time and must not call AWS per scrape.
     */
    public void bind(io.micrometer.core.instrument.binder.MeterBinder binder) {
        binder.bindTo(registry);
    }

    /** Tells the request series of every answered request; pass to the HTTP server. */
    public RequestObserver requestObserver() {
        return requests;
    }

    /** {@code GET /metrics} for the API port, asking for the token; none when no token is set. */
    public Optional<ApiModule> apiRoutes() {
        return config.token().map(token -> MetricsRoutes.withToken(this, token));
    }

    /**
     * When {@code metrics.port} is set, starts the management listener on {@code server.host}
     * serving only {@code GET /metrics} (with the token when one is set) and returns its port.
     */
    public Optional<Integer> serveManagementPort(ServerConfig api, Authenticator authenticator) {
        if (config.port().isEmpty()) {
            return Optional.empty();
        }
        var listener = new ServerConfig(api.host(), config.port().getAsInt(), ServerConfig.DEFAULT_MAX_BODY_BYTES,
                MANAGEMENT_SLOTS, api.idleTimeout());
        ApiModule routes = config.token().map(token -> MetricsRoutes.withToken(this, token)).orElseGet(() -> MetricsRoutes.open(this));
        HttpServer server = HttpServer.start(listener, authenticator, List.of(routes));
        closing.add(server);
        LOG.info("metrics on http://{}:{}{}", api.host(), server.port(), MetricsRoutes.PATH);
        return Optional.of(server.port());
    }

    /** A scraper or two, and an operator's curl. */
    private static final int MANAGEMENT_SLOTS = 4;

    /** The exposition in Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing metrics: {}", e.toString());
            }
        }
        registry.close();
    }
}
