package dev.coffer.admin;

import dev.coffer.backends.Backends;
import dev.coffer.config.CofferConfig;
import dev.coffer.credentials.IdentityCheck;
import dev.coffer.doctor.CheckResult;
import dev.coffer.doctor.Doctor;
import dev.coffer.health.HealthReport;
import dev.coffer.health.HealthService;
import dev.coffer.schema.TableSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The console's overview: the {@code /health} report, the credentials as an operator asks about
 * them (mode, source, masked key, account, expiry and the warning threshold), each table's status,
 * item count and size as DynamoDB reports them, and the last run of doctor's read-only checks.
 */
final class Overview {
    private final HealthService health;
    private final Backends backends;
    private final List<TableSpec> tables;
    private final Clock clock;
    private final AtomicReference<Map<String, Object>> lastDoctor = new AtomicReference<>();

    Overview(HealthService health, Backends backends, List<TableSpec> tables, Clock clock) {
        this.health = health;
        this.backends = backends;
        this.tables = List.copyOf(tables);
        this.clock = clock;
    }

    Map<String, Object> overview() {
        CofferConfig config = backends.config();
        HealthReport report = health.report();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("health", report);
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("mode", report.credentials().mode());
        credentials.put("source", report.credentials().source());
        credentials.put("status", report.credentials().status());
        credentials.put("access_key_id", report.credentials().access_key_id());
        credentials.put("account", backends.credentials().identity().map(IdentityCheck.Identity::account)
                .orElse(config.local() ? "embedded default (no AWS account)" : null));
        credentials.put("expires_at", report.credentials().expires_at());
        credentials.put("seconds_left", report.credentials().seconds_left());
        credentials.put("warning_threshold_seconds", config.aws().credentials().expiryWarning().toSeconds());
        body.put("credentials", credentials);
        Map<String, Object> deployment = new LinkedHashMap<>();
        deployment.put("mode", config.local() ? "embedded" : "aws");
        deployment.put("region", config.aws().region());
        deployment.put("bucket", config.storage().bucket());
        deployment.put("prefix", config.storage().prefix());
        body.put("deployment", deployment);
        body.put("tables", tableFacts());
        body.put("doctor", lastDoctor.get());
        body.put("checked_at", clock.instant().toString());
        return body;
    }

    private List<Map<String, Object>> tableFacts() {
        var out = new ArrayList<Map<String, Object>>();
        for (TableSpec table : tables) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("name", table.name());
            try {
                var description = backends.dynamoDb().describeTable(b -> b.tableName(table.name())).table();
                facts.put("status", description.tableStatusAsString());
                facts.put("item_count", description.itemCount());
                facts.put("size_bytes", description.tableSizeBytes());
            } catch (SdkException e) {
                facts.put("status", dev.coffer.aws.AwsErrors.translate(e, "DescribeTable " + table.name()).code().code());
            }
            out.add(facts);
        }
        return out;
    }

    /** The last doctor run, or null when none ran since start-up. */
    Map<String, Object> lastDoctor() {
        return lastDoctor.get();
    }

    /** Runs doctor's checks with only read-only probes (nothing written) and keeps the result. */
    Map<String, Object> runDoctor() {
        List<CheckResult> results = new Doctor(clock).runReadOnly(backends, tables);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ran_at", clock.instant().toString());
        body.put("fit", Doctor.fit(results));
        body.put("read_only", true);
        body.put("results", results.stream().map(Overview::result).toList());
        lastDoctor.set(body);
        return body;
    }

    private static Map<String, Object> result(CheckResult result) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("check", result.check());
        line.put("status", result.status());
        line.put("line", result.line());
        return line;
    }
}
