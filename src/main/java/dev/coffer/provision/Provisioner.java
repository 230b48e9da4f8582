package dev.coffer.provision;

import dev.coffer.schema.TableSpec;
import dev.coffer.aws.AwsErrors;
import dev.coffer.backends.Backends;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.StorageConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.AtOnce;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
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
 * The one provisioning path of {@code coffer serve} (at start-up, {@code provision.on_start}) and
 * {@code coffer init}: {@link #plan} looks at every table and the bucket and changes nothing;
 * {@link #apply} creates what is missing (tables with keys, indexes, TTL and on-demand billing;
 * the bucket with encryption, Block Public Access and, with {@code s3.versioning}, versioning) and
 * enables a declared TTL; an existing resource that differs is reported, never changed
 * ({@link #requireNoDifferences} turns that into serve's start-up refusal, init into exit 1).
 */
public final class Provisioner {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final String region;
    private final BucketSecurity security;

    /**
     * @param security how strictly a new bucket is secured, and whether an existing one's settings
     *     are read (not on the embedded S3Proxy)
     */
    public Provisioner(DynamoDbClient dynamoDb, S3Client s3, String region, BucketSecurity security) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.region = region;
        this.security = security;
    }

    /** The provisioner of what {@code backends} reach, with the bucket security their configuration calls for. */
    public static Provisioner of(Backends backends) {
        CofferConfig config = backends.config();
        return new Provisioner(backends.dynamoDb(), backends.s3(), config.aws().region(), BucketSecurity.of(config));
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
     * What provisioning would do for {@code tables} and the bucket of {@code storage}: looks, changes nothing.
     * The resources are looked at all at once (one virtual thread each): start-up waits for the slowest look,
     * not the sum of them (three tables and a bucket, 4-7 calls).
     */
    public List<PlanStep> plan(List<TableSpec> tables, StorageConfig storage) {
        var looks = new ArrayList<Supplier<List<PlanStep>>>();
        tables.forEach(spec -> looks.add(() -> planTableAndStream(spec)));
        looks.add(() -> List.of(planBucket(storage)));
        return AtOnce.all(looks).stream().flatMap(List::stream).toList();
    }

    private List<PlanStep> planTableAndStream(TableSpec spec) {
        Optional<TableDescription> existing = describe(spec.name());
        PlanStep step = planTable(spec, existing);
        if (existing.isPresent() && (step instanceof PlanStep.TableMatches || step instanceof PlanStep.EnableTtl)) {
            return planStream(spec, existing.get()).map(stream -> List.of(step, stream)).orElse(List.of(step));
        }
        return List.of(step);
    }

    /** What provisioning would do for one table. */
    public PlanStep planTable(TableSpec spec) {
        return planTable(spec, describe(spec.name()));
    }

    private PlanStep planTable(TableSpec spec, Optional<TableDescription> existing) {
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

    /**
     * The stream step of an existing table that should have one: enable it when it has none, a
     * difference when its stream carries no new images (another app chose the view; a table has
     * one stream).
     */
    public Optional<PlanStep> planStream(TableSpec spec) {
        return spec.streamed() ? describe(spec.name()).flatMap(existing -> planStream(spec, existing)) : Optional.empty();
    }

    private static Optional<PlanStep> planStream(TableSpec spec, TableDescription existing) {
        if (!spec.streamed()) {
            return Optional.empty();
        }
        var stream = existing.streamSpecification();
        if (stream == null || !Boolean.TRUE.equals(stream.streamEnabled())) {
            return Optional.of(new PlanStep.EnableStream(spec.name()));
        }
        String view = stream.streamViewTypeAsString();
        if (!TableSpec.STREAM_VIEW.equals(view) && !"NEW_AND_OLD_IMAGES".equals(view)) {
            return Optional.of(new PlanStep.TableDiffers(spec.name(), List.of("its stream carries " + view
                    + ", live updates need " + TableSpec.STREAM_VIEW + " or NEW_AND_OLD_IMAGES")));
        }
        return Optional.empty();
    }

    /** What provisioning would do for the bucket: create it, or read the settings of the existing one. */
    public PlanStep planBucket(StorageConfig storage) {
        String bucket = storage.bucket();
        boolean secured = security != BucketSecurity.SKIP;
        if (!bucketExists(bucket, storage.prefix())) {
            return new PlanStep.CreateBucket(bucket, region, storage.versioning(), secured);
        }
        if (!secured) {
            return new PlanStep.BucketMatches(bucket, List.of(), List.of());
        }
        var differences = new ArrayList<String>();
        var unchecked = new ArrayList<String>();
        var lacking = new ArrayList<String>();
        bucketDifferences(bucket, storage.versioning(), differences, unchecked, lacking);
        return differences.isEmpty() ? new PlanStep.BucketMatches(bucket, unchecked, lacking)
                : new PlanStep.BucketDiffers(bucket, differences);
    }

    /** Carries out the changing steps of a plan; the others are left as they are. */
    public void apply(List<PlanStep> steps) {
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
                case PlanStep.EnableStream stream -> {
                    try {
                        dynamoDb.updateTable(b -> b.tableName(stream.name()).streamSpecification(t -> t.streamEnabled(true)
                                .streamViewType(TableSpec.STREAM_VIEW)));
                        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(stream.name()));
                    } catch (SdkException e) {
                        throw AwsErrors.translate(e, "UpdateTable on " + stream.name());
                    }
                }
                case PlanStep.CreateBucket create -> createBucket(create);
                default -> {
                    // reported only
                }
            }
        }
    }

    /**
     * Serve's start-up: the same plan init prints, its changes made and logged, then refused when
     * an existing resource differs (init applies the same plan and exits 1).
     *
     * @return the plan carried out
     */
    public List<PlanStep> applyOrRefuse(List<TableSpec> tables, StorageConfig storage) {
        List<PlanStep> plan = plan(tables, storage);
        for (PlanStep step : plan) {
            if (step.changes()) {
                LOG.info("provisioning: {}", step.describe());
            } else if (step instanceof PlanStep.BucketMatches matches && !matches.lacking().isEmpty()) {
                LOG.warn("provisioning: {}", step.describe());
            } else if (!step.differs()) {
                LOG.debug("provisioning: {}", step.describe());
            }
        }
        apply(plan);
        requireNoDifferences(plan);
        return plan;
    }

    /**
     * Refuses a plan with differences (serve's start-up check; init exits 1 on the same plan),
     * naming every difference of every resource.
     */
    public static void requireNoDifferences(List<PlanStep> steps) {
        var lines = new ArrayList<String>();
        for (PlanStep step : steps) {
            switch (step) {
                case PlanStep.TableDiffers t -> lines.add("table " + t.name() + " differs from the configuration: "
                        + String.join("; ", t.differences()));
                case PlanStep.BucketDiffers b -> lines.add("bucket " + b.bucket() + " differs from the configuration: "
                        + String.join("; ", b.differences()));
                default -> {
                    // matches or was just created
                }
            }
        }
        if (!lines.isEmpty()) {
            throw new CofferException(ErrorCode.CONFLICT, String.join(" | ", lines),
                    "change the configuration to match, or fix the resource ('coffer init --dry-run' lists the differences; "
                            + "Coffer never alters existing tables or buckets)");
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

    /**
     * Reads the existing bucket's encryption, Block Public Access and (when wanted) versioning.
     * A setting this identity may not read (the runtime policy grants none of these) is noted as
     * unchecked, one a compatible server does not implement (501) is skipped.
     */
    private void bucketDifferences(String bucket, boolean versioning, List<String> differences, List<String> unchecked,
                                   List<String> lacking) {
        readSetting(bucket, "encryption", unchecked, () -> {
            try {
                s3.getBucketEncryption(b -> b.bucket(bucket));
            } catch (S3Exception e) {
                if (e.statusCode() == 404 || "ServerSideEncryptionConfigurationNotFoundError".equals(errorCode(e))) {
                    securityMissing("no default encryption", differences, lacking);
                    return;
                }
                throw e;
            }
        });
        readSetting(bucket, "Block Public Access", unchecked, () -> {
            try {
                var block = s3.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration();
                if (!(Boolean.TRUE.equals(block.blockPublicAcls()) && Boolean.TRUE.equals(block.ignorePublicAcls())
                        && Boolean.TRUE.equals(block.blockPublicPolicy()) && Boolean.TRUE.equals(block.restrictPublicBuckets()))) {
                    securityMissing("Block Public Access is not fully on", differences, lacking);
                }
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    securityMissing("no Block Public Access configuration", differences, lacking);
                    return;
                }
                throw e;
            }
        });
        if (versioning) {
            readSetting(bucket, "versioning", unchecked, () -> {
                var status = s3.getBucketVersioning(b -> b.bucket(bucket)).statusAsString();
                if (!"Enabled".equals(status)) {
                    differences.add("versioning is " + (status == null ? "off" : status.toLowerCase(java.util.Locale.ROOT))
                            + ", s3.versioning wants it on");
                }
            });
        }
    }

    /**
     * A security setting the bucket lacks: a difference against AWS; against an S3-compatible
     * server, which may not implement it (S3Proxy answers 501 to set it, then 404 to read it),
     * reported as lacking, or every restart after the first would refuse to start.
     */
    private void securityMissing(String what, List<String> differences, List<String> lacking) {
        (security == BucketSecurity.REQUIRED ? differences : lacking).add(what);
    }

    private static void readSetting(String bucket, String setting, List<String> unchecked, Runnable read) {
        try {
            read.run();
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                unchecked.add(setting);
            } else if (e.statusCode() != 501) {
                throw AwsErrors.translate(e, "reading the " + setting + " of bucket " + bucket);
            }
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "reading the " + setting + " of bucket " + bucket);
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
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
        if (spec.streamed()) {
            builder.streamSpecification(s -> s.streamEnabled(true).streamViewType(TableSpec.STREAM_VIEW));
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
     * Creates the bucket with default encryption, Block Public Access and (when asked) versioning,
     * as strictly as {@link #security} says: required on AWS; best effort against a compatible
     * server named by endpoint (S3Proxy, MinIO may not implement these settings: a warning, not a
     * failure); skipped on the loopback-only embedded default (versioning is still asked for).
     */
    private void createBucket(PlanStep.CreateBucket create) {
        String bucket = create.bucket();
        try {
            s3.createBucket(b -> {
                b.bucket(bucket);
                if (!region.equals("us-east-1")) {
                    b.createBucketConfiguration(c -> c.locationConstraint(region));
                }
            });
            LOG.info("created S3 bucket {}", bucket);
        } catch (BucketAlreadyOwnedByYouException e) {
            // Another instance created it between our look and this call: its settings are its creator's.
            return;
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "CreateBucket " + bucket);
        }
        if (security != BucketSecurity.SKIP) {
            applyBucketSettings(bucket);
        }
        if (create.versioning()) {
            bestEffort(bucket, "versioning", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                    .versioningConfiguration(v -> v.status("Enabled"))));
        }
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

    /** How hard to insist on encryption and Block Public Access for a new bucket, and whether to read an existing one's. */
    public enum BucketSecurity {
        REQUIRED, BEST_EFFORT, SKIP;

        /** {@link #SKIP} on the embedded default, {@link #BEST_EFFORT} against a custom S3 endpoint, else {@link #REQUIRED}. */
        public static BucketSecurity of(CofferConfig config) {
            if (config.local()) {
                return SKIP;
            }
            return config.aws().s3Endpoint().isPresent() ? BEST_EFFORT : REQUIRED;
        }
    }

    private void applyBucketSettings(String bucket) {
        bestEffort(bucket, "encryption or public-access-block", () -> {
            s3.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
            s3.putBucketEncryption(b -> b.bucket(bucket).serverSideEncryptionConfiguration(c -> c
                    .rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        });
    }

    /** Runs a bucket setting call; a compatible server that does not implement it (501) gets a warning unless AWS is required. */
    private void bestEffort(String bucket, String setting, Runnable call) {
        try {
            call.run();
        } catch (S3Exception e) {
            if (security != BucketSecurity.REQUIRED && e.statusCode() == 501) {
                LOG.warn("bucket {}: this S3-compatible server does not implement {} settings; objects are stored as that "
                        + "server stores them", bucket, setting);
                return;
            }
            throw AwsErrors.translate(e, "setting " + setting + " on bucket " + bucket);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "setting " + setting + " on bucket " + bucket);
        }
    }
}
