package dev.coffer.policy;

import dev.coffer.provision.TableSpec;
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
}
