package dev.coffer.doctor;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.health.PeriodicChecks;
import dev.coffer.policy.PolicyGenerator;
import dev.coffer.schema.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Proves each runtime permission by using it harmlessly: conditional writes on a key that does
 * not exist (the condition fails, so nothing is written, but AWS checked the permission first),
 * reads of that key, and a write+read+delete of one object under the reserved
 * {@code PREFIX__coffer_doctor__/} folder. An AccessDenied names the action and the policy
 * statement ({@code coffer policy}'s Sid) that is missing.
 */
public final class PermissionProbes {
    /** A user id no real user can have: ids are ULIDs, UUIDs or OIDC subjects. */
    static final String DOCTOR_USER = "__coffer_doctor__";

    /** The probes that only read: what the console runs on a live deployment (no probe object written). */
    static final java.util.Set<String> READ_ACTIONS = java.util.Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DescribeStream",
            "s3:ListBucket", "s3:ListBucketMultipartUploads");

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final boolean readOnly;
    private final java.util.Optional<software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient> streams;

    public PermissionProbes(DynamoDbClient dynamoDb, S3Client s3) {
        this(dynamoDb, s3, null, false);
    }

    /** With {@code streams}, a streamed table's stream is probed too (DescribeStream). */
    public PermissionProbes(DynamoDbClient dynamoDb, S3Client s3,
                            software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streams) {
        this(dynamoDb, s3, streams, false);
    }

    private PermissionProbes(DynamoDbClient dynamoDb, S3Client s3,
                             software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streams, boolean readOnly) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.streams = java.util.Optional.ofNullable(streams);
        this.readOnly = readOnly;
    }

    /** Only the probes of {@link #READ_ACTIONS}: nothing is written, not even a failing conditional write. */
    static PermissionProbes readOnly(DynamoDbClient dynamoDb, S3Client s3,
                                     software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streams) {
        return new PermissionProbes(dynamoDb, s3, streams, true);
    }

    private boolean runs(Probe probe) {
        return !readOnly || READ_ACTIONS.contains(probe.action());
    }

    /** One harmless call proving one permission. */
    private record Probe(String check, String statementSid, String action, String resource, Runnable call) {
    }

    /** Probes exactly the item actions the table's owner calls (what the runtime policy grants on it), then its indexes. */
    List<CheckResult> table(TableSpec table, String statementSid, String indexStatementSid) {
        return tableProbes(table, statementSid, indexStatementSid).stream().filter(this::runs).map(PermissionProbes::run).toList();
    }

    List<CheckResult> bucket(String bucket, String prefix) {
        return bucketProbes(bucket, prefix).stream().filter(this::runs).map(PermissionProbes::run).toList();
    }

    /**
     * Runs every probe doctor runs (each table's, the bucket's) and returns what AWS refused, as
     * /health reports it between its periodic runs.
     */
    public List<PeriodicChecks.Denied> denied(List<TableSpec> tables, String bucket, String prefix) {
        var denied = new ArrayList<PeriodicChecks.Denied>();
        for (TableSpec table : tables) {
            collectDenied(tableProbes(table, PolicyGenerator.sid("Table", table.name()), PolicyGenerator.sid("Indexes", table.name())),
                    PeriodicChecks.Dependency.DYNAMODB, denied);
        }
        collectDenied(bucketProbes(bucket, prefix), PeriodicChecks.Dependency.S3, denied);
        return denied;
    }

    private static void collectDenied(List<Probe> probes, PeriodicChecks.Dependency dependency, List<PeriodicChecks.Denied> out) {
        for (Probe probe : probes) {
            // Only refusals: other failures (an unreachable backend, the object a denied PutObject never wrote)
            // are /health's own checks or follow from the refusal.
            if (run(probe) instanceof CheckResult.Failed failed && failed.code().equals(ErrorCode.ACCESS_DENIED.code())) {
                out.add(new PeriodicChecks.Denied(dependency, probe.action(), probe.resource(), failed.code() + ": " + failed.cause(),
                        failed.fix()));
            }
        }
    }

    private List<Probe> tableProbes(TableSpec table, String statementSid, String indexStatementSid) {
        var results = new ArrayList<Probe>();
        Map<String, AttributeValue> key = key(table);
        String exists = "attribute_exists(" + table.partitionKey().name() + ")";
        var probes = new java.util.LinkedHashMap<String, Runnable>();
        probes.put("dynamodb:GetItem", () -> dynamoDb.getItem(b -> b.tableName(table.name()).key(key)));
        probes.put("dynamodb:Query", () -> dynamoDb.query(b -> b.tableName(table.name()).keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", table.partitionKey().name()))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(DOCTOR_USER))).limit(1)));
        probes.put("dynamodb:Scan", () -> dynamoDb.scan(b -> b.tableName(table.name()).limit(1)));
        probes.put("dynamodb:PutItem", conditionFails(
                () -> dynamoDb.putItem(b -> b.tableName(table.name()).item(key).conditionExpression(exists))));
        probes.put("dynamodb:UpdateItem", conditionFails(
                () -> dynamoDb.updateItem(b -> b.tableName(table.name()).key(key).conditionExpression(exists)
                        .updateExpression("SET #d = :d").expressionAttributeNames(Map.of("#d", "doctor"))
                        .expressionAttributeValues(Map.of(":d", AttributeValue.fromBool(true))))));
        probes.put("dynamodb:DeleteItem", conditionFails(
                () -> dynamoDb.deleteItem(b -> b.tableName(table.name()).key(key).conditionExpression(exists))));
        probes.put("dynamodb:ConditionCheckItem", () -> {
            try {
                dynamoDb.transactWriteItems(t -> t.transactItems(i -> i.conditionCheck(c -> c.tableName(table.name()).key(key)
                        .conditionExpression(exists))));
            } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException expected) {
                // Permission was checked before the condition: the harmless success.
            }
        });
        probes.put("dynamodb:BatchWriteItem", () -> dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table.name(),
                List.of(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                        .deleteRequest(d -> d.key(key)).build())))));
        for (String action : table.itemActions()) {
            Runnable call = probes.get(action);
            if (call == null) {
                throw new IllegalStateException("no harmless probe for " + action);
            }
            results.add(new Probe("permission " + table.name() + " " + action.substring("dynamodb:".length()), statementSid, action,
                    table.name(), call));
        }
        String name = "permission " + table.name();
        if (table.streamed() && streams.isPresent()) {
            // Live updates read the stream; DescribeStream proves the statement that grants it.
            results.add(new Probe(name + " stream DescribeStream", PolicyGenerator.sid("Stream", table.name()), "dynamodb:DescribeStream",
                    table.name() + "/stream/*", () -> {
                        String arn = dynamoDb.describeTable(b -> b.tableName(table.name())).table().latestStreamArn();
                        if (arn != null) {
                            streams.get().describeStream(b -> b.streamArn(arn).limit(1));
                        }
                    }));
        }
        for (TableSpec.IndexSpec index : table.queriedIndexes()) {
            String indexKey = index.global() ? index.partitionKey().name() : table.partitionKey().name();
            AttributeValue value = (index.global() ? index.partitionKey().type() : table.partitionKey().type())
                    == TableSpec.KeyType.N ? AttributeValue.fromN("0") : AttributeValue.fromS(DOCTOR_USER);
            results.add(new Probe(name + " Query index " + index.name(), indexStatementSid, "dynamodb:Query",
                    table.name() + "/index/" + index.name(), () -> dynamoDb.query(b -> b.tableName(table.name()).indexName(index.name())
                            .keyConditionExpression("#k = :k").expressionAttributeNames(Map.of("#k", indexKey))
                            .expressionAttributeValues(Map.of(":k", value)).limit(1))));
        }
        return results;
    }

    private List<Probe> bucketProbes(String bucket, String prefix) {
        var results = new ArrayList<Probe>();
        String key = prefix + DOCTOR_USER + "/probe";
        String name = "permission " + bucket;
        results.add(new Probe(name + " ListBucket", PolicyGenerator.LIST_PREFIX_SID, "s3:ListBucket", bucket,
                () -> s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1))));
        results.add(new Probe(name + " ListBucketMultipartUploads", PolicyGenerator.LIST_UPLOADS_SID, "s3:ListBucketMultipartUploads", bucket,
                () -> s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix).maxUploads(1))));
        results.add(new Probe(name + " PutObject", PolicyGenerator.OBJECTS_SID, "s3:PutObject", bucket,
                () -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("coffer doctor probe"))));
        results.add(new Probe(name + " GetObject", PolicyGenerator.OBJECTS_SID, "s3:GetObject", bucket,
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key))));
        results.add(new Probe(name + " AbortMultipartUpload", PolicyGenerator.OBJECTS_SID, "s3:AbortMultipartUpload", bucket,
                noSuchUpload(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId("coffer-doctor")))));
        results.add(new Probe(name + " DeleteObject", PolicyGenerator.OBJECTS_SID, "s3:DeleteObject", bucket,
                () -> s3.deleteObject(b -> b.bucket(bucket).key(key))));
        return results;
    }

    private static Map<String, AttributeValue> key(TableSpec table) {
        var key = new java.util.HashMap<String, AttributeValue>();
        key.put(table.partitionKey().name(), AttributeValue.fromS(DOCTOR_USER));
        table.sortKey().ifPresent(k -> key.put(k.name(),
                k.type() == TableSpec.KeyType.N ? AttributeValue.fromN("0") : AttributeValue.fromS("probe")));
        return key;
    }

    private static Runnable conditionFails(Runnable call) {
        return () -> {
            try {
                call.run();
            } catch (ConditionalCheckFailedException expected) {
                // Permission was checked before the condition: this is the harmless success.
            }
        };
    }

    private static Runnable noSuchUpload(Runnable call) {
        return () -> {
            try {
                call.run();
            } catch (NoSuchUploadException expected) {
                // Permission granted; the upload id is made up.
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
            }
        };
    }

    private static CheckResult run(Probe probe) {
        String check = probe.check();
        String action = probe.action();
        String statementSid = probe.statementSid();
        try {
            probe.call().run();
            return new CheckResult.Ok(check, null);
        } catch (SdkException e) {
            CofferException translated = AwsErrors.translate(e, action);
            if (translated.code() == ErrorCode.ACCESS_DENIED) {
                return new CheckResult.Failed(check, translated.code().code(), action + " is denied", addStatementFix(statementSid));
            }
            return new CheckResult.Failed(check, translated.code().code(), translated.detail(), translated.fix().orElse(null));
        }
    }

    static String addStatementFix(String statementSid) {
        return "add statement " + statementSid + " from 'coffer policy --for runtime' to this identity's policy";
    }
}
