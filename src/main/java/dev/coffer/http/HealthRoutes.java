package dev.coffer.http;

import dev.coffer.health.HealthReport;
import dev.coffer.health.HealthService;
import java.util.Map;

/** {@code /health}, {@code /health/live}, {@code /health/ready}: 200 or 503, never a secret. */
public final class HealthRoutes implements ApiModule {
    /** Liveness: answered without a request slot of any kind (it holds nothing and waits for nothing). */
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    public static final String REPORT = "/health";
    private final HealthService health;

    public HealthRoutes(HealthService health) {
        this.health = health;
    }

    @Override
    public void register(Routes routes) {
        routes.get(REPORT, Access.PUBLIC, ctx -> {
            HealthReport report = health.report();
            ctx.status(report.status() == HealthReport.Status.UNHEALTHY ? 503 : 200).json(report);
        });
        routes.get(LIVE, Access.PUBLIC, ctx -> ctx.json(Map.of("status", "alive")));
        routes.get(READY, Access.PUBLIC, ctx -> {
            boolean ready = health.report().status() != HealthReport.Status.UNHEALTHY;
            ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not_ready"));
        });
    }
}
