package dev.coffer.provision;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Creates missing tables and buckets, idempotently, and reports existing tables whose shape
 * differs from the declaration (never changing them). Shared by {@code coffer serve} and
 * {@code coffer init}.
 */
public final class Provisioner {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final String region;

    public Provisioner(DynamoDbClient dynamoDb, S3Client s3, String region) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.region = region;
    }

    /** What happened to one resource. */
    public sealed interface Outcome permits Created, Present, Mismatch {
        String resource();
    }

    public record Created(String resource) implements Outcome {
    }

    public record Present(String resource) implements Outcome {
    }

    /** An existing resource whose shape differs; {@code differences} spells out each one. */
    public record Mismatch(String resource, List<String> differences) implements Outcome {
    }

    /** Looks at a table without changing anything. */
    public Optional<TableDescription> describe(String table) {
        try {
            return Optional.of(dynamoDb.describeTable(b -> b.tableName(table)).table());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DescribeTable on " + table);
        }
    }

    public Outcome ensureTable(TableSpec spec) {
        Optional<TableDescription> existing = describe(spec.name());
        if (existing.isPresent()) {
            List<String> differences = differences(spec, existing.get());
            return differences.isEmpty() ? new Present("table " + spec.name())
                    : new Mismatch("table " + spec.name(), differences);
        }
        try {
            dynamoDb.createTable(createRequest(spec));
            dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(spec.name()));
            spec.ttlAttribute().ifPresent(ttl -> dynamoDb.updateTimeToLive(b -> b.tableName(spec.name())
                    .timeToLiveSpecification(t -> t.attributeName(ttl).enabled(true))));
            LOG.info("created DynamoDB table {}", spec.name());
            return new Created("table " + spec.name());
        } catch (ResourceInUseException e) {
            // Another instance created it between our describe and create: that is fine.
            return new Present("table " + spec.name());
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "CreateTable " + spec.name());
        }
    }

    /**
     * What {@code coffer init} would do: looks at every table and the bucket, changes nothing.
     *
     * @param inspectBucketSettings the bucket is secured (not the embedded S3Proxy): read encryption and
     *     Block Public Access of an existing bucket, and plan them for a new one
     */
    public List<PlanStep> plan(List<TableSpec> tables, String bucket, String prefix, boolean versioning,
                               boolean inspectBucketSettings) {
        var steps = new ArrayList<PlanStep>();
        for (TableSpec spec : tables) {
            steps.add(planTable(spec));
        }
        steps.add(planBucket(bucket, prefix, versioning, inspectBucketSettings));
        return steps;
    }

    /** What init would do for one table. */
    public PlanStep planTable(TableSpec spec) {
        Optional<TableDescription> existing = describe(spec.name());
        if (existing.isEmpty()) {
            return new PlanStep.CreateTable(spec);
        }
        List<String> differences = differences(spec, existing.get());
        if (!differences.isEmpty()) {
            return new PlanStep.TableDiffers(spec.name(), differences);
        }
        Optional<String> ttlDifference = spec.ttlAttribute().flatMap(ttl -> ttlDiffers(spec.name(), ttl));
        if (ttlDifference.isPresent()) {
            return ttlDifference.get().isEmpty() ? new PlanStep.EnableTtl(spec.name(), spec.ttlAttribute().get())
                    : new PlanStep.TableDiffers(spec.name(), List.of(ttlDifference.get()));
        }
        return new PlanStep.TableMatches(spec.name());
    }

    /** What init would do for the bucket. */
    public PlanStep planBucket(String bucket, String prefix, boolean versioning, boolean inspectBucketSettings) {
        if (!bucketExists(bucket, prefix)) {
            return new PlanStep.CreateBucket(bucket, region, versioning, inspectBucketSettings);
        }
        List<String> differences = inspectBucketSettings ? bucketDifferences(bucket) : List.of();
        return differences.isEmpty() ? new PlanStep.BucketMatches(bucket) : new PlanStep.BucketDiffers(bucket, differences);
    }

    /** Carries out the changing steps of a plan; the others are left as they are. */
    public void apply(List<PlanStep> steps, BucketSecurity security, String prefix) {
        for (PlanStep step : steps) {
            switch (step) {
                case PlanStep.CreateTable create -> ensureTable(create.spec());
                case PlanStep.EnableTtl ttl -> {
                    try {
                        dynamoDb.updateTimeToLive(b -> b.tableName(ttl.name())
                                .timeToLiveSpecification(t -> t.attributeName(ttl.attribute()).enabled(true)));
                    } catch (SdkException e) {
                        throw AwsErrors.translate(e, "UpdateTimeToLive on " + ttl.name());
                    }
                }
                case PlanStep.CreateBucket create -> {
                    ensureBucket(create.bucket(), prefix, security);
                    if (create.versioning()) {
                        try {
                            s3.putBucketVersioning(b -> b.bucket(create.bucket())
                                    .versioningConfiguration(v -> v.status("Enabled")));
                        } catch (SdkException e) {
                            throw AwsErrors.translate(e, "PutBucketVersioning on " + create.bucket());
                        }
                    }
                }
                default -> {
                    // reported only
                }
            }
        }
    }

    /** Empty optional: TTL as declared. Optional of "": TTL off (can be enabled). Otherwise a difference. */
    private Optional<String> ttlDiffers(String table, String attribute) {
        try {
            var ttl = dynamoDb.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
            String status = ttl == null ? "DISABLED" : ttl.timeToLiveStatusAsString();
            if ("ENABLED".equals(status) || "ENABLING".equals(status)) {
                return attribute.equals(ttl.attributeName()) ? Optional.empty()
                        : Optional.of("TTL is on attribute " + ttl.attributeName() + ", expected " + attribute);
            }
            return Optional.of("");
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DescribeTimeToLive on " + table);
        }
    }

    private List<String> bucketDifferences(String bucket) {
        var differences = new ArrayList<String>();
        try {
            s3.getBucketEncryption(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || "ServerSideEncryptionConfigurationNotFoundError".equals(errorCode(e))) {
                differences.add("no default encryption");
            } else if (e.statusCode() != 501) {
                throw AwsErrors.translate(e, "GetBucketEncryption on " + bucket);
            }
        }
        try {
            var block = s3.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration();
            if (!(Boolean.TRUE.equals(block.blockPublicAcls()) && Boolean.TRUE.equals(block.ignorePublicAcls())
                    && Boolean.TRUE.equals(block.blockPublicPolicy()) && Boolean.TRUE.equals(block.restrictPublicBuckets()))) {
                differences.add("Block Public Access is not fully on");
            }
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                differences.add("no Block Public Access configuration");
            } else if (e.statusCode() != 501) {
                throw AwsErrors.translate(e, "GetPublicAccessBlock on " + bucket);
            }
        }
        return differences;
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    }

    /** Raises a start-up error when any outcome is a mismatch. */
    public static void requireMatching(List<Outcome> outcomes) {
        var lines = new ArrayList<String>();
        for (Outcome o : outcomes) {
            if (o instanceof Mismatch m) {
                lines.add(m.resource() + " differs from the configuration: " + String.join("; ", m.differences()));
            }
        }
        if (!lines.isEmpty()) {
            throw new CofferException(ErrorCode.CONFLICT, String.join(" | ", lines),
                    "change the configuration to match, or migrate the table (Coffer never alters existing tables)");
        }
    }

    static CreateTableRequest createRequest(TableSpec spec) {
        Map<String, ScalarAttributeType> attributes = new LinkedHashMap<>();
        attributes.put(spec.partitionKey().name(), type(spec.partitionKey().type()));
        spec.sortKey().ifPresent(k -> attributes.put(k.name(), type(k.type())));
        var gsis = new ArrayList<GlobalSecondaryIndex>();
        var lsis = new ArrayList<LocalSecondaryIndex>();
        for (TableSpec.IndexSpec index : spec.indexes()) {
            attributes.put(index.partitionKey().name(), type(index.partitionKey().type()));
            index.sortKey().ifPresent(k -> attributes.put(k.name(), type(k.type())));
            List<KeySchemaElement> keys = keySchema(index.partitionKey(), index.sortKey());
            Projection all = Projection.builder().projectionType(ProjectionType.ALL).build();
            if (index.global()) {
                gsis.add(GlobalSecondaryIndex.builder().indexName(index.name()).keySchema(keys).projection(all).build());
            } else {
                lsis.add(LocalSecondaryIndex.builder().indexName(index.name()).keySchema(keys).projection(all).build());
            }
        }
        var builder = CreateTableRequest.builder()
                .tableName(spec.name())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(keySchema(spec.partitionKey(), spec.sortKey()))
                .attributeDefinitions(attributes.entrySet().stream()
                        .map(e -> AttributeDefinition.builder().attributeName(e.getKey()).attributeType(e.getValue()).build())
                        .toList());
        if (!gsis.isEmpty()) {
            builder.globalSecondaryIndexes(gsis);
        }
        if (!lsis.isEmpty()) {
            builder.localSecondaryIndexes(lsis);
        }
        return builder.build();
    }

    static List<String> differences(TableSpec spec, TableDescription actual) {
        var diffs = new ArrayList<String>();
        Map<String, String> actualTypes = new LinkedHashMap<>();
        actual.attributeDefinitions().forEach(a -> actualTypes.put(a.attributeName(), a.attributeTypeAsString()));
        compareKeys("table key", keySchema(spec.partitionKey(), spec.sortKey()), actual.keySchema(), diffs);
        compareTypes(spec.partitionKey(), actualTypes, diffs);
        spec.sortKey().ifPresent(k -> compareTypes(k, actualTypes, diffs));
        Map<String, List<KeySchemaElement>> actualIndexes = new LinkedHashMap<>();
        actual.globalSecondaryIndexes().forEach(i -> actualIndexes.put("global " + i.indexName(), i.keySchema()));
        actual.localSecondaryIndexes().forEach(i -> actualIndexes.put("local " + i.indexName(), i.keySchema()));
        for (TableSpec.IndexSpec index : spec.indexes()) {
            String label = (index.global() ? "global " : "local ") + index.name();
            List<KeySchemaElement> keys = actualIndexes.get(label);
            if (keys == null) {
                diffs.add("index " + index.name() + " (" + (index.global() ? "global" : "local") + ") is missing");
            } else {
                compareKeys("index " + index.name(), keySchema(index.partitionKey(), index.sortKey()), keys, diffs);
                compareTypes(index.partitionKey(), actualTypes, diffs);
                index.sortKey().ifPresent(k -> compareTypes(k, actualTypes, diffs));
            }
        }
        return diffs;
    }

    private static void compareKeys(String what, List<KeySchemaElement> expected, List<KeySchemaElement> actual,
                                    List<String> diffs) {
        if (!describeKeys(expected).equals(describeKeys(actual))) {
            diffs.add(what + " is " + describeKeys(actual) + ", expected " + describeKeys(expected));
        }
    }

    private static void compareTypes(TableSpec.KeyAttribute key, Map<String, String> actualTypes, List<String> diffs) {
        String actual = actualTypes.get(key.name());
        if (actual != null && !actual.equals(key.type().name())) {
            diffs.add("attribute " + key.name() + " has type " + actual + ", expected " + key.type());
        }
    }

    private static String describeKeys(List<KeySchemaElement> keys) {
        return keys.stream().map(k -> k.attributeName() + " " + k.keyTypeAsString()).toList().toString();
    }

    private static List<KeySchemaElement> keySchema(TableSpec.KeyAttribute partition, Optional<TableSpec.KeyAttribute> sort) {
        var keys = new ArrayList<KeySchemaElement>();
        keys.add(KeySchemaElement.builder().attributeName(partition.name()).keyType(KeyType.HASH).build());
        sort.ifPresent(k -> keys.add(KeySchemaElement.builder().attributeName(k.name()).keyType(KeyType.RANGE).build()));
        return keys;
    }

    private static ScalarAttributeType type(TableSpec.KeyType type) {
        return type == TableSpec.KeyType.N ? ScalarAttributeType.N : ScalarAttributeType.S;
    }

    /**
     * Creates the bucket when missing, with default encryption and Block Public Access.
     *
     * @param security {@link BucketSecurity#REQUIRED} on AWS; {@link BucketSecurity#BEST_EFFORT}
     *     against a compatible server named by endpoint (S3Proxy, MinIO may not implement these
     *     settings: a warning, not a failure); {@link BucketSecurity#SKIP} on the loopback-only
     *     embedded default
     */
    public Outcome ensureBucket(String bucket, String prefix, BucketSecurity security) {
        if (bucketExists(bucket, prefix)) {
            return new Present("bucket " + bucket);
        }
        try {
            s3.createBucket(b -> {
                b.bucket(bucket);
                if (!region.equals("us-east-1")) {
                    b.createBucketConfiguration(c -> c.locationConstraint(region));
                }
            });
        } catch (BucketAlreadyOwnedByYouException e) {
            return new Present("bucket " + bucket);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "CreateBucket " + bucket);
        }
        if (security != BucketSecurity.SKIP) {
            applyBucketSettings(bucket, security);
        }
        LOG.info("created S3 bucket {}", bucket);
        return new Created("bucket " + bucket);
    }

    /**
     * Whether the bucket exists, asked with a one-key listing under Coffer's prefix: that is what
     * the runtime policy allows (s3:ListBucket limited to the prefix), where HeadBucket is not.
     */
    public boolean bucketExists(String bucket, String prefix) {
        try {
            s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw AwsErrors.translate(e, "ListObjectsV2 on " + bucket);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "ListObjectsV2 on " + bucket);
        }
    }

    /** How hard to insist on encryption and Block Public Access for a new bucket. */
    public enum BucketSecurity {
        REQUIRED, BEST_EFFORT, SKIP
    }

    private void applyBucketSettings(String bucket, BucketSecurity security) {
        try {
            s3.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
            s3.putBucketEncryption(b -> b.bucket(bucket).serverSideEncryptionConfiguration(c -> c
                    .rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        } catch (S3Exception e) {
            if (security == BucketSecurity.BEST_EFFORT && e.statusCode() == 501) {
                LOG.warn("bucket {}: this S3-compatible server does not implement encryption or public-access-block "
                        + "settings; objects are stored as that server stores them", bucket);
                return;
            }
            throw AwsErrors.translate(e, "securing bucket " + bucket);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "securing bucket " + bucket);
        }
    }
}
