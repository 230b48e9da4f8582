package dev.coffer.metrics;

import dev.coffer.http.Access;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Routes;
import dev.coffer.support.Secret;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the Prometheus text exposition. On the API port it is declared with
 * {@link Access.OperatorToken} (the edge answers 401 without the token; no user's token opens
 * it); on the management port it is open unless a token is set.
 */
final class MetricsRoutes implements ApiModule {
    static final String PATH = "/metrics";
    /** Prometheus' text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;
    private final Secret token;

    private MetricsRoutes(Metrics metrics, Secret token) {
        this.metrics = metrics;
        this.token = token;
    }

    static MetricsRoutes withToken(Metrics metrics, Secret token) {
        return new MetricsRoutes(metrics, token);
    }

    /** Only for the management port, whose network is its protection. */
    static MetricsRoutes open(Metrics metrics) {
        return new MetricsRoutes(metrics, null);
    }

    @Override
    public void register(Routes routes) {
        Routes.Endpoint scrape = exchange -> exchange.result(metrics.scrape().getBytes(StandardCharsets.UTF_8), CONTENT_TYPE);
        if (token == null) {
            routes.get(PATH, Access.PUBLIC, scrape);
        } else {
            routes.get(PATH, new Access.OperatorToken(token), scrape);
        }
    }
}
