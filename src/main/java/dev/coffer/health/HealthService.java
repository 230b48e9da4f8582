package dev.coffer.health;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.health.HealthReport.Connection;
import dev.coffer.health.HealthReport.CredentialsHealth;
import dev.coffer.health.HealthReport.DependencyHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final Clock clock;
    private final Duration cacheTtl;
    private HealthReport cached;
    private Instant cachedAt = Instant.MIN;

    public HealthService(Targets targets, DynamoDbClient dynamoDb, S3Client s3,
                         Supplier<CredentialsHealth> credentials, Supplier<HealthReport.AuthHealth> auth, Clock clock,
                         Duration cacheTtl) {
        this.targets = targets;
        this.auth = auth;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.credentials = credentials;
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
        return cached;
    }

    private HealthReport compute() {
        CredentialsHealth creds = credentials.get();
        DependencyHealth ddb = checkDynamoDb();
        DependencyHealth bucket = checkS3();
        HealthReport.AuthHealth identity = auth.get();
        HealthReport.Status status = HealthReport.Status.HEALTHY;
        // An issuer whose keys cannot be refreshed fails only its own users' new keys: degraded, not unhealthy.
        if (creds.status().equals("expiring") || creds.status().equals("refresh_failed")
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
        CofferException failure = null;
        for (String table : targets.tables()) {
            try {
                var description = dynamoDb.describeTable(b -> b.tableName(table).overrideConfiguration(probe()));
                tables.put(table, description.table().tableStatusAsString());
            } catch (SdkException e) {
                CofferException translated = AwsErrors.translate(e, "DescribeTable " + table);
                tables.put(table, translated.code().code());
                failure = failure == null ? translated : failure;
            }
        }
        return failure == null ? new DependencyHealth(Connection.CONNECTED, details, null, null)
                : new DependencyHealth(Connection.CONNECTION_FAILED, details, failure.oneLine(), failure.fix().orElse(null));
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

    private static AwsRequestOverrideConfiguration probe() {
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(PROBE_TIMEOUT).build();
    }
}
