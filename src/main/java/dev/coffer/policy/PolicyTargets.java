package dev.coffer.policy;

import dev.coffer.config.CofferConfig;
import dev.coffer.config.FilesConfig;
import dev.coffer.schema.TableSpec;
import java.util.List;
import java.util.Optional;

/**
 * What a policy is written for: the tables (with their indexes), the bucket and prefix, the KMS
 * key when SSE-KMS is on, and the region and account when known (else wildcards).
 */
public record PolicyTargets(Optional<String> region, Optional<String> account, List<TableSpec> tables,
                            String bucket, String prefix, Optional<String> kmsKeyId) {
    public PolicyTargets {
        tables = List.copyOf(tables);
    }

    /** The targets of a configuration: its region, bucket, prefix and KMS key, with {@code tables} and {@code account}. */
    public static PolicyTargets of(CofferConfig config, List<TableSpec> tables, Optional<String> account) {
        Optional<String> kmsKey = config.files().sse() == FilesConfig.Sse.KMS ? config.files().kmsKeyId() : Optional.empty();
        return new PolicyTargets(Optional.of(config.aws().region()), account, tables, config.storage().bucket(),
                config.storage().prefix(), kmsKey);
    }
}
