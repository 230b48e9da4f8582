package dev.coffer.doctor;

import dev.coffer.aws.AwsErrors;
import dev.coffer.aws.BucketRegion;
import dev.coffer.backends.Backends;
import dev.coffer.credentials.IdentityCheck;
import dev.coffer.config.CofferConfig;
import dev.coffer.credentials.ResolvedCredentials;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.policy.PolicyGenerator;
import dev.coffer.provision.Provisioner;
import dev.coffer.schema.TableSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Everything a deployment needs, checked in order: identity first (later checks are skipped
 * when it fails, rather than failing noisily), then tables, bucket and every runtime permission.
 */
public final class Doctor {
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    static final Duration EXPIRY_WARNING = Duration.ofMinutes(15);

    private final Clock clock;

    public Doctor(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs every check against opened backends (whose credentials were not checked with STS: that
     * is the identity check here) for {@code tables}.
     */
    public List<CheckResult> run(Backends backends, List<TableSpec> tables) {
        return run(backends, tables, new PermissionProbes(backends.dynamoDb(), backends.s3()));
    }

    /**
     * The same checks with only the probes that read ({@link PermissionProbes#READ_ACTIONS}): what
     * the console runs against a serving deployment, which must not see a probe object or write.
     */
    public List<CheckResult> runReadOnly(Backends backends, List<TableSpec> tables) {
        return run(backends, tables, PermissionProbes.readOnly(backends.dynamoDb(), backends.s3()));
    }

    private List<CheckResult> run(Backends backends, List<TableSpec> tables, PermissionProbes probes) {
        var results = new ArrayList<CheckResult>();
        CofferConfig config = backends.config();
        ResolvedCredentials credentials = backends.credentials().current();
        results.add(new CheckResult.Ok("config", (config.local() ? "embedded default" : "remote") + ", region "
                + config.aws().region() + ", bucket " + config.storage().bucket() + ", prefix " + config.storage().prefix()));
        results.add(new CheckResult.Ok("credentials", "mode=" + credentials.mode() + " source=" + credentials.source()
                + " key=" + credentials.maskedAccessKeyId()));
        CheckResult expiry = expiry(credentials);
        results.add(expiry);
        if (expiry instanceof CheckResult.Failed) {
            skipRest(results, "credentials expired");
            return results;
        }
        if (config.local()) {
            results.add(new CheckResult.Ok("identity", "embedded default: local keys, no AWS account"));
        } else {
            IdentityCheck.Identity identity;
            try {
                identity = backends.credentials().checkIdentity();
            } catch (CofferException error) {
                results.add(failed("identity", error));
                skipRest(results, "identity unknown");
                return results;
            }
            results.add(new CheckResult.Ok("identity", "account " + identity.account() + ", " + identity.arn()));
            results.add(account(config, identity.account()));
            results.add(clockSkew(identity.serverDate()));
        }
        CheckResult region = region(backends);
        results.add(region);
        var provisioner = Provisioner.of(backends);
        for (TableSpec table : tables) {
            CheckResult shape = table(provisioner, table);
            results.add(shape);
            if (shape instanceof CheckResult.Failed) {
                results.add(new CheckResult.Skipped("permission " + table.name(), "the table check failed"));
            } else {
                results.addAll(probes.table(table, PolicyGenerator.sid("Table", table.name()),
                        PolicyGenerator.sid("Indexes", table.name())));
            }
        }
        CheckResult bucket = bucket(provisioner, config);
        results.add(bucket);
        if (bucket instanceof CheckResult.Failed) {
            results.add(new CheckResult.Skipped("permission " + config.storage().bucket(), "the bucket check failed"));
            return results;
        }
        if (!config.local()) {
            results.addAll(bucketSettings(backends, config.storage().bucket()));
        }
        results.addAll(probes.bucket(config.storage().bucket(), config.storage().prefix()));
        return results;
    }

    /** True when nothing failed: fit to serve. */
    public static boolean fit(List<CheckResult> results) {
        return results.stream().noneMatch(r -> r instanceof CheckResult.Failed);
    }

    private CheckResult expiry(ResolvedCredentials credentials) {
        if (credentials.expiration().isEmpty()) {
            return new CheckResult.Ok("expiry", "no expiry (long-lived or refreshed by the provider)");
        }
        Instant expires = credentials.expiration().get();
        Duration left = Duration.between(clock.instant(), expires);
        if (!left.isPositive()) {
            return new CheckResult.Failed("expiry", ErrorCode.EXPIRED_CREDENTIALS.code(), "the credentials expired at " + expires,
                    "renew them (aws sso login, aws-vault exec, or your platform's role) and run again");
        }
        String detail = "expires at " + expires + " (in " + left.toMinutes() + " min)";
        return left.compareTo(EXPIRY_WARNING) <= 0 ? new CheckResult.Ok("expiry", detail + "; renew soon") : new CheckResult.Ok("expiry", detail);
    }

    private static CheckResult account(CofferConfig config, String account) {
        Optional<String> expected = config.aws().expectedAccountId();
        if (expected.isEmpty()) {
            return new CheckResult.Ok("account", account + " (not pinned; set aws.expected_account_id to pin it)");
        }
        if (!expected.get().equals(account)) {
            return new CheckResult.Failed("account", "wrong_account", "credentials belong to account " + account
                    + ", expected " + expected.get(), "use credentials of account " + expected.get()
                    + " or correct aws.expected_account_id");
        }
        return new CheckResult.Ok("account", account + " (pinned)");
    }

    private CheckResult clockSkew(Optional<String> date) {
        if (date.isEmpty()) {
            return new CheckResult.Skipped("clock skew", "the STS endpoint sent no Date header");
        }
        try {
            Instant server = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration skew = Duration.between(server, clock.instant()).abs();
            if (skew.compareTo(MAX_SKEW) > 0) {
                return new CheckResult.Failed("clock skew", ErrorCode.CLOCK_SKEW.code(), "this clock is " + skew.toSeconds()
                        + " s away from AWS time (max " + MAX_SKEW.toMinutes() + " min)", "synchronise the clock (chrony/ntp)");
            }
            return new CheckResult.Ok("clock skew", skew.toSeconds() + " s");
        } catch (RuntimeException e) {
            return new CheckResult.Skipped("clock skew", "unreadable Date header");
        }
    }

    private static CheckResult region(Backends backends) {
        String region = backends.config().aws().region();
        String bucket = backends.config().storage().bucket();
        Optional<String> bucketRegion = BucketRegion.of(backends.s3(), bucket);
        if (bucketRegion.isPresent()) {
            return bucketRegion.get().equals(region) ? new CheckResult.Ok("region", region)
                    : failed("region", AwsErrors.regionMismatch(bucket, bucketRegion.get(), region));
        }
        // No region header (some S3-compatible servers): a listing fails with a region error instead.
        try {
            backends.s3().listObjectsV2(b -> b.bucket(bucket).prefix(backends.config().storage().prefix()).maxKeys(1));
        } catch (SdkException e) {
            CofferException error = AwsErrors.translate(e, "ListObjectsV2 on " + bucket);
            if (error.code() == ErrorCode.REGION_MISMATCH) {
                return failed("region", error);
            }
        }
        return new CheckResult.Ok("region", region);
    }

    private static CheckResult table(Provisioner provisioner, TableSpec table) {
        String check = "table " + table.name();
        try {
            return switch (provisioner.planTable(table)) {
                case dev.coffer.provision.PlanStep.CreateTable missing -> new CheckResult.Failed(check,
                        ErrorCode.MISSING_TABLE.code(), "the table does not exist", "run 'coffer init'");
                case dev.coffer.provision.PlanStep.TableDiffers differs -> new CheckResult.Failed(check, "table_mismatch",
                        String.join("; ", differs.differences()), "change the configuration to match, or migrate the table");
                case dev.coffer.provision.PlanStep.EnableTtl ttl -> new CheckResult.Failed(check, "table_mismatch",
                        "TTL is not enabled on " + ttl.attribute(), "run 'coffer init'");
                default -> new CheckResult.Ok(check, "keys and indexes as declared");
            };
        } catch (CofferException e) {
            return failedNaming(check, e, PolicyGenerator.sid("Table", table.name()));
        }
    }

    private static CheckResult bucket(Provisioner provisioner, CofferConfig config) {
        String check = "bucket " + config.storage().bucket();
        try {
            return provisioner.bucketExists(config.storage().bucket(), config.storage().prefix())
                    ? new CheckResult.Ok(check, "exists")
                    : new CheckResult.Failed(check, ErrorCode.MISSING_BUCKET.code(), "the bucket does not exist",
                    "run 'coffer init' or set S3_BUCKET to an existing bucket");
        } catch (CofferException e) {
            return failedNaming(check, e, PolicyGenerator.LIST_PREFIX_SID);
        }
    }

    private static List<CheckResult> bucketSettings(Backends backends, String bucket) {
        var results = new ArrayList<CheckResult>();
        var s3 = backends.s3();
        results.add(setting("bucket encryption", () -> s3.getBucketEncryption(b -> b.bucket(bucket)), "no default encryption",
                "run 'coffer init' with provisioning credentials, or turn on default encryption"));
        results.add(setting("bucket public access block", () -> {
            var c = s3.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration();
            if (!(Boolean.TRUE.equals(c.blockPublicAcls()) && Boolean.TRUE.equals(c.ignorePublicAcls())
                    && Boolean.TRUE.equals(c.blockPublicPolicy()) && Boolean.TRUE.equals(c.restrictPublicBuckets()))) {
                throw new IllegalStateException("partly off");
            }
        }, "Block Public Access is not fully on", "turn on all four Block Public Access settings for the bucket"));
        return results;
    }

    private static CheckResult setting(String check, Runnable read, String missing, String fix) {
        try {
            read.run();
            return new CheckResult.Ok(check, "on");
        } catch (IllegalStateException e) {
            return new CheckResult.Failed(check, "bucket_insecure", missing, fix);
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                return new CheckResult.Skipped(check, "the runtime policy does not allow reading it (run doctor with provisioning credentials to check)");
            }
            if (e.statusCode() == 501) {
                return new CheckResult.Skipped(check, "this S3-compatible server does not implement it");
            }
            if (e.statusCode() == 404) {
                return new CheckResult.Failed(check, "bucket_insecure", missing, fix);
            }
            return failed(check, AwsErrors.translate(e, check));
        } catch (SdkException e) {
            return failed(check, AwsErrors.translate(e, check));
        }
    }

    /**
     * As {@link #failed}, but an AccessDenied names the statement of 'coffer policy' that grants
     * the call: AWS's message does not always name the resource it was checked against.
     */
    private static CheckResult failedNaming(String check, CofferException e, String statementSid) {
        if (e.code() != ErrorCode.ACCESS_DENIED) {
            return failed(check, e);
        }
        return new CheckResult.Failed(check, e.code().code(), e.detail(), PermissionProbes.addStatementFix(statementSid));
    }

    private static CheckResult failed(String check, CofferException e) {
        return new CheckResult.Failed(check, e.code().code(), e.detail(), e.fix().orElse(null));
    }

    private static void skipRest(List<CheckResult> results, String reason) {
        for (String check : List.of("identity", "account", "clock skew", "region", "tables", "bucket", "permissions")) {
            if (results.stream().noneMatch(r -> r.check().equals(check))) {
                results.add(new CheckResult.Skipped(check, reason));
            }
        }
    }
}
