package dev.coffer.health;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.support.AtOnce;
import dev.coffer.health.HealthReport.Connection;
import dev.coffer.health.HealthReport.CredentialsHealth;
import dev.coffer.health.HealthReport.DependencyHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Checks every dependency for real (one cheap call each; the external OIDC issuer's keys are
 * fetched again by the {@code auth} supplier only when stale or failing) and caches the report for
 * {@code cacheTtl}, so load on /health cannot hammer AWS. Thread-safe: concurrent callers with a
 * stale cache wait for one computation.
 */
public final class HealthService {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** What the health check needs to know; built by the application wiring. */
    public record Targets(String version, String region, String dynamoDbEndpoint, List<String> tables,
                          String bucket, String prefix, HealthReport.EnvironmentFacts environment) {
    }

    private final Targets targets;
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final Supplier<CredentialsHealth> credentials;
    private final Supplier<HealthReport.AuthHealth> auth;
    private final Optional<PeriodicChecks> periodic;
    private final Clock clock;
    private final Duration cacheTtl;
    private HealthReport cached;
    private Instant cachedAt = Instant.MIN;
    /** The last report computed, readable without waiting for one in progress (metrics read it). */
    private volatile HealthReport last;

    /**
     * @param periodic the region and permission checks run every few minutes (against AWS; none on
     *     the embedded default, whose servers check no permissions and have one region)
     */
    public HealthService(Targets targets, DynamoDbClient dynamoDb, S3Client s3,
                         Supplier<CredentialsHealth> credentials, Supplier<HealthReport.AuthHealth> auth,
                         Optional<PeriodicChecks> periodic, Clock clock, Duration cacheTtl) {
        this.targets = targets;
        this.auth = auth;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.credentials = credentials;
        this.periodic = periodic;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
    }

    public synchronized HealthReport report() {
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cachedAt.plus(cacheTtl))) {
            return cached;
        }
        cached = compute();
        cachedAt = now;
        last = cached;
        return cached;
    }

    /**
     * The report the last {@link #report()} computed (by /health, its probes, or start-up), without
     * computing one: no AWS call, no wait. Empty until the first report.
     */
    public Optional<HealthReport> lastReport() {
        return Optional.ofNullable(last);
    }

    private HealthReport compute() {
        CredentialsHealth creds = credentials.get();
        // Each probe waits on its own backend with its own timeout: at once, a report takes the slowest, not the sum.
        List<DependencyHealth> probes = AtOnce.all(List.<Supplier<DependencyHealth>>of(this::checkDynamoDb, this::checkS3));
        DependencyHealth ddb = probes.get(0);
        DependencyHealth bucket = probes.get(1);
        boolean denied = false;
        if (periodic.isPresent()) {
            PeriodicChecks.Result checks = periodic.get().current();
            bucket = withRegion(bucket, checks);
            ddb = withDenied(ddb, checks, PeriodicChecks.Dependency.DYNAMODB);
            bucket = withDenied(bucket, checks, PeriodicChecks.Dependency.S3);
            denied = !checks.denied().isEmpty();
        }
        HealthReport.AuthHealth identity = auth.get();
        HealthReport.Status status = HealthReport.Status.HEALTHY;
        // An issuer whose keys cannot be refreshed fails only its own users' new keys: degraded, not unhealthy.
        if (creds.status().equals("expiring") || creds.status().equals("refresh_failed") || denied
                || identity.oidc().status() == Connection.CONNECTION_FAILED) {
            status = HealthReport.Status.DEGRADED;
        }
        if (creds.status().equals("expired") || creds.status().equals("invalid")
                || ddb.status() == Connection.CONNECTION_FAILED || bucket.status() == Connection.CONNECTION_FAILED) {
            status = HealthReport.Status.UNHEALTHY;
        }
        return new HealthReport(status, "coffer", targets.version(), creds, ddb, bucket, targets.environment(), identity);
    }

    private DependencyHealth checkDynamoDb() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("region", targets.region());
        details.put("endpoint", targets.dynamoDbEndpoint());
        Map<String, String> tables = new LinkedHashMap<>();
        details.put("tables", tables);
        if (targets.tables().isEmpty()) {
            return new DependencyHealth(Connection.NOT_CONFIGURED, details, null, null);
        }
        List<TableStatus> statuses = AtOnce.all(targets.tables().stream()
                .<Supplier<TableStatus>>map(table -> () -> describe(table)).toList());
        CofferException failure = null;
        for (int i = 0; i < statuses.size(); i++) {
            TableStatus status = statuses.get(i);
            tables.put(targets.tables().get(i), status.status());
            failure = failure == null ? status.failure().orElse(null) : failure;
        }
        return failure == null ? new DependencyHealth(Connection.CONNECTED, details, null, null)
                : new DependencyHealth(Connection.CONNECTION_FAILED, details, failure.oneLine(), failure.fix().orElse(null));
    }

    /** A table's status (its error code when the describe failed) and the failure. */
    private record TableStatus(String status, Optional<CofferException> failure) {
    }

    private TableStatus describe(String table) {
        try {
            var description = dynamoDb.describeTable(b -> b.tableName(table).overrideConfiguration(probe()));
            return new TableStatus(description.table().tableStatusAsString(), Optional.empty());
        } catch (SdkException e) {
            CofferException translated = AwsErrors.translate(e, "DescribeTable " + table);
            return new TableStatus(translated.code().code(), Optional.of(translated));
        }
    }

    private DependencyHealth checkS3() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bucket", targets.bucket());
        details.put("region", targets.region());
        details.put("prefix", targets.prefix());
        if (targets.bucket() == null || targets.bucket().isBlank()) {
            return new DependencyHealth(Connection.NOT_CONFIGURED, details, null, null);
        }
        try {
            // A one-key listing under Coffer's prefix rather than HeadBucket: the least-privilege
            // policy allows s3:ListBucket only for that prefix, and HeadBucket names no prefix.
            s3.listObjectsV2(b -> b.bucket(targets.bucket()).prefix(targets.prefix()).maxKeys(1)
                    .overrideConfiguration(probe()));
            return new DependencyHealth(Connection.CONNECTED, details, null, null);
        } catch (SdkException e) {
            CofferException translated = AwsErrors.translate(e, "ListObjectsV2 on " + targets.bucket());
            return new DependencyHealth(Connection.CONNECTION_FAILED, details, translated.oneLine(),
                    translated.fix().orElse(null));
        }
    }

    /** A bucket in another region than configured fails every request: the S3 check fails with the region to set. */
    private DependencyHealth withRegion(DependencyHealth s3Health, PeriodicChecks.Result checks) {
        if (checks.bucketRegion().isEmpty()) {
            return s3Health;
        }
        var details = new LinkedHashMap<>(s3Health.details());
        details.put("bucket_region", checks.bucketRegion().get());
        if (checks.bucketRegion().get().equals(targets.region()) || s3Health.status() != Connection.CONNECTED) {
            return new DependencyHealth(s3Health.status(), details, s3Health.error(), s3Health.fix());
        }
        CofferException mismatch = AwsErrors.regionMismatch(targets.bucket(), checks.bucketRegion().get(), targets.region());
        return new DependencyHealth(Connection.CONNECTION_FAILED, details, mismatch.code().code() + ": " + mismatch.detail(),
                mismatch.fix().orElse(null));
    }

    /** Denied permissions leave the dependency connected (reads may work) but named, with the statement to add. */
    private static DependencyHealth withDenied(DependencyHealth health, PeriodicChecks.Result checks,
                                               PeriodicChecks.Dependency dependency) {
        var details = new LinkedHashMap<>(health.details());
        details.put("permissions_checked_at", checks.at().toString());
        List<PeriodicChecks.Denied> denied = checks.denied().stream().filter(d -> d.dependency() == dependency).toList();
        if (denied.isEmpty()) {
            return new DependencyHealth(health.status(), details, health.error(), health.fix());
        }
        details.put("denied", denied.stream().map(d -> d.action() + " on " + d.resource()).toList());
        if (health.error() != null) {
            return new DependencyHealth(health.status(), details, health.error(), health.fix());
        }
        PeriodicChecks.Denied first = denied.getFirst();
        return new DependencyHealth(health.status(), details, first.error(), first.fix());
    }

    private static AwsRequestOverrideConfiguration probe() {
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(PROBE_TIMEOUT).build();
    }
}
