package dev.coffer.http;

import dev.coffer.health.HealthReport;
import dev.coffer.health.HealthService;
import java.util.Map;

/** {@code /health}, {@code /health/live}, {@code /health/ready}: 200 or 503, never a secret. */
public final class HealthRoutes implements ApiModule {
    private final HealthService health;

    public HealthRoutes(HealthService health) {
        this.health = health;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/health", Access.PUBLIC, ctx -> {
            HealthReport report = health.report();
            ctx.status(report.status() == HealthReport.Status.UNHEALTHY ? 503 : 200).json(report);
        });
        routes.get("/health/live", Access.PUBLIC, ctx -> ctx.json(Map.of("status", "alive")));
        routes.get("/health/ready", Access.PUBLIC, ctx -> {
            boolean ready = health.report().status() != HealthReport.Status.UNHEALTHY;
            ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not_ready"));
        });
    }
}
