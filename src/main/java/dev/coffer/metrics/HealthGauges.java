package dev.coffer.metrics;

import dev.coffer.health.HealthReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code coffer_health_up{dependency=...}}: 1 when the dependency was fine in the last health
 * report, 0 when it failed, NaN when it is not configured or no report was made yet. Read from
 * the report /health last computed (probes call it every few seconds), so a scrape never calls AWS.
 */
final class HealthGauges {
    private HealthGauges() {
    }

    static void bind(MeterRegistry registry, Supplier<Optional<HealthReport>> last) {
        gauge(registry, last, "overall", report -> report.status() == HealthReport.Status.UNHEALTHY ? 0.0 : 1.0);
        gauge(registry, last, "credentials", report -> switch (report.credentials().status()) {
            case "expired", "invalid" -> 0.0;
            default -> 1.0;
        });
        gauge(registry, last, "dynamodb", report -> connection(report.dynamodb().status()));
        gauge(registry, last, "s3", report -> connection(report.s3().status()));
        gauge(registry, last, "oidc", report -> connection(report.auth().oidc().status()));
    }

    private static double connection(HealthReport.Connection status) {
        return switch (status) {
            case CONNECTED -> 1.0;
            case CONNECTION_FAILED -> 0.0;
            case NOT_CONFIGURED -> Double.NaN;
        };
    }

    private static void gauge(MeterRegistry registry, Supplier<Optional<HealthReport>> last, String dependency,
                              Function<HealthReport, Double> value) {
        Gauge.builder("coffer.health.up", () -> last.get().map(value).orElse(Double.NaN))
                .description("1 when the dependency was healthy in the last health report, 0 when not, NaN when unknown")
                .tag("dependency", dependency).strongReference(true).register(registry);
    }
}
