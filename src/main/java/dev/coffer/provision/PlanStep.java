package dev.coffer.provision;

import dev.coffer.schema.TableSpec;
import java.util.List;

/**
 * One line of the provisioning plan ({@code coffer init} prints it, {@code serve} logs its
 * changes): what exists, what will be created, what differs and is left alone.
 */
public sealed interface PlanStep {
    String describe();

    /** A missing table that will be created. */
    record CreateTable(TableSpec spec) implements PlanStep {
        @Override
        public String describe() {
            var parts = new StringBuilder("create table ").append(spec.name()).append(" (key ")
                    .append(spec.partitionKey().name());
            spec.sortKey().ifPresent(k -> parts.append(" + ").append(k.name()));
            for (TableSpec.IndexSpec index : spec.indexes()) {
                parts.append(", ").append(index.global() ? "global" : "local").append(" index ").append(index.name());
            }
            spec.ttlAttribute().ifPresent(ttl -> parts.append(", TTL on ").append(ttl));
            if (spec.streamed()) {
                parts.append(", stream ").append(TableSpec.STREAM_VIEW);
            }
            return parts.append(", on-demand billing)").toString();
        }
    }

    record TableMatches(String name) implements PlanStep {
        @Override
        public String describe() {
            return "table " + name + " exists and matches";
        }
    }

    /** An existing table whose shape differs: reported, never altered. */
    record TableDiffers(String name, List<String> differences) implements PlanStep {
        @Override
        public String describe() {
            return "table " + name + " exists but differs (left unchanged): " + String.join("; ", differences);
        }
    }

    /** A table that exists with the right keys but without the declared TTL: enabling it is not destructive. */
    record EnableTtl(String name, String attribute) implements PlanStep {
        @Override
        public String describe() {
            return "enable TTL on " + name + "." + attribute;
        }
    }

    /** A table that exists without the stream live updates read: enabling one is not destructive. */
    record EnableStream(String name) implements PlanStep {
        @Override
        public String describe() {
            return "enable the stream (" + TableSpec.STREAM_VIEW + ") on " + name + " for live updates";
        }
    }

    /** {@code secured}: default encryption and Block Public Access will be set (not on the embedded S3Proxy). */
    record CreateBucket(String bucket, String region, boolean versioning, boolean secured) implements PlanStep {
        @Override
        public String describe() {
            String settings = secured ? "default encryption, Block Public Access" : "embedded S3Proxy, loopback only";
            return "create bucket " + bucket + " in " + region + " (" + settings + (versioning ? ", versioning" : "") + ")";
        }
    }

    /** An existing bucket as configured; {@code unchecked} names settings this identity may not read. */
    /**
     * An existing bucket that matches, as far as could be read: {@code unchecked} settings this
     * identity may not read, {@code lacking} security settings an S3-compatible server (not AWS)
     * does not have, which such servers often do not implement (reported, never refused).
     */
    record BucketMatches(String bucket, List<String> unchecked, List<String> lacking) implements PlanStep {
        public BucketMatches {
            unchecked = List.copyOf(unchecked);
            lacking = List.copyOf(lacking);
        }

        @Override
        public String describe() {
            return "bucket " + bucket + " exists" + (unchecked.isEmpty() ? ""
                    : " (not checked, this identity may not read its " + String.join(", ", unchecked) + ")")
                    + (lacking.isEmpty() ? "" : " (S3-compatible server: " + String.join("; ", lacking)
                    + "; AWS buckets must have them)");
        }
    }

    /** An existing bucket whose settings differ from what Coffer would create: reported only. */
    record BucketDiffers(String bucket, List<String> differences) implements PlanStep {
        @Override
        public String describe() {
            return "bucket " + bucket + " exists but differs (left unchanged): " + String.join("; ", differences);
        }
    }

    /** Whether applying this step changes anything. */
    default boolean changes() {
        return this instanceof CreateTable || this instanceof CreateBucket || this instanceof EnableTtl
                || this instanceof EnableStream;
    }

    /** Whether an existing resource differs from the configuration (left unchanged). */
    default boolean differs() {
        return this instanceof TableDiffers || this instanceof BucketDiffers;
    }
}
