package dev.coffer.health;

import dev.coffer.aws.BucketRegion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The checks /health cannot afford on every call: the bucket's real region (HeadBucket) and the
 * harmless permission probes (conditional writes that cannot succeed, one object written and
 * deleted under the doctor's reserved prefix). They run at start-up and again when /health is
 * asked after {@code interval} has passed, so a revoked permission or a wrong region shows within
 * that bound while ordinary health calls never write. Thread-safe.
 */
public final class PeriodicChecks {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicChecks.class);

    /** A permission a probe found missing, or a probe that failed otherwise. */
    public record Denied(Dependency dependency, String action, String resource, String error, String fix) {
    }

    /** Which part of the report a probe belongs to. */
    public enum Dependency { DYNAMODB, S3 }

    /** What the last run found. */
    public record Result(Optional<String> bucketRegion, List<Denied> denied, Instant at) {
        public Result {
            denied = List.copyOf(denied);
        }
    }

    private final S3Client s3;
    private final String bucket;
    private final Supplier<List<Denied>> probes;
    private final Duration interval;
    private final Clock clock;
    private Result last;

    /**
     * @param probes runs every harmless permission probe once (Coffer wires doctor's
     *     PermissionProbes here) and returns what failed
     */
    public PeriodicChecks(S3Client s3, String bucket, Supplier<List<Denied>> probes, Duration interval, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.probes = probes;
        this.interval = interval;
        this.clock = clock;
    }

    /** The last result, running the checks again first when it is older than the interval (or there is none). */
    public synchronized Result current() {
        if (last == null || !clock.instant().isBefore(last.at().plus(interval))) {
            return runNow();
        }
        return last;
    }

    /** Runs both checks now (start-up), logging what is denied. */
    public synchronized Result runNow() {
        Instant at = clock.instant();
        Optional<String> region = BucketRegion.of(s3, bucket);
        List<Denied> denied = probes.get();
        for (Denied d : denied) {
            LOG.warn("permission probe: {} on {}: {}{}", d.action(), d.resource(), d.error(), d.fix() == null ? "" : ". Fix: " + d.fix());
        }
        last = new Result(region, denied, at);
        return last;
    }
}
