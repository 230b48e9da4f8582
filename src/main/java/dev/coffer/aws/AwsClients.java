package dev.coffer.aws;

import dev.coffer.config.AwsConfig;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The SDK clients that reach the data: DynamoDB, S3 and the S3 presigner, one per service for the
 * whole process, blocking, over one HTTP client from {@link SdkHttpClients}. Also builds the STS
 * client the credentials use ({@link #sts}), so every SDK client Coffer makes is configured here.
 * Built once from configuration and a credentials provider; thread-safe; {@link #close()} closes
 * the clients and their HTTP client.
 */
public final class AwsClients implements AutoCloseable {
    private final SdkHttpClient http;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final AwsConfig config;
    private final AwsCallRecorder recorder = new AwsCallRecorder();

    private AwsClients(AwsConfig config, AwsCredentialsProvider credentials, SdkHttpClients httpClients, boolean timed,
                       Optional<InJvmDynamoDb> inJvm) {
        this.config = config;
        this.http = httpClients.create();
        var instrumented = overrides(config).toBuilder().addExecutionInterceptor(recorder);
        if (timed) {
            // The SDK collects its per-call metrics only when a publisher is attached: off, it costs nothing.
            instrumented.addMetricPublisher(recorder);
        }
        var overrides = instrumented.build();
        Region region = Region.of(config.region());
        if (inJvm.isPresent()) {
            this.dynamoDb = inJvm.get().dynamoDb(recorder, timed);
            this.streams = inJvm.get().streams(recorder, timed);
        } else {
            var ddb = DynamoDbClient.builder().httpClient(http).region(region)
                    .credentialsProvider(credentials).overrideConfiguration(overrides);
            config.dynamodbEndpoint().ifPresent(ddb::endpointOverride);
            this.dynamoDb = ddb.build();
            // The streams API has its own endpoint on AWS (streams.dynamodb.REGION); an overridden
            // DynamoDB endpoint (DynamoDB Local) serves both.
            var streamsBuilder = DynamoDbStreamsClient.builder().httpClient(http).region(region)
                    .credentialsProvider(credentials).overrideConfiguration(overrides);
            config.dynamodbEndpoint().ifPresent(streamsBuilder::endpointOverride);
            this.streams = streamsBuilder.build();
        }

        var s3Config = S3Configuration.builder().pathStyleAccessEnabled(config.s3PathStyle()).build();
        var s3b = S3Client.builder().httpClient(http).region(region)
                .credentialsProvider(credentials).overrideConfiguration(overrides)
                .serviceConfiguration(s3Config);
        config.s3Endpoint().ifPresent(endpoint -> {
            s3b.endpointOverride(endpoint);
            // S3-compatible servers often lag on the SDK's newer default checksums; send them only where S3 requires them.
            s3b.requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED);
            s3b.responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
        });
        this.s3 = s3b.build();

        var presign = S3Presigner.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(s3Config);
        config.s3Endpoint().ifPresent(presign::endpointOverride);
        this.presigner = presign.build();
    }

    /** The data clients of {@code config}, signing with {@code credentials}, over one HTTP client from {@code http}; calls untimed. */
    public static AwsClients create(AwsConfig config, AwsCredentialsProvider credentials, SdkHttpClients http) {
        return new AwsClients(config, credentials, http, false, Optional.empty());
    }

    /**
     * As above; with {@code timed}, every call's duration, retries and throttled attempts reach
     * {@link AwsCallListener#completed} (the SDK's own metric collection, which costs a little on
     * every call, so only when metrics are on). Consumed capacity, failures and bytes are reported
     * either way.
     */
    public static AwsClients create(AwsConfig config, AwsCredentialsProvider credentials, SdkHttpClients http, boolean timed) {
        return new AwsClients(config, credentials, http, timed, Optional.empty());
    }

    /**
     * As above, with the DynamoDB and DynamoDB Streams clients calling {@code inJvm} directly
     * instead of over HTTP (the embedded DynamoDB Local, which checks no signature); S3 stays on
     * an HTTP client from {@code http}. The owner of {@code inJvm} stops it.
     */
    public static AwsClients create(AwsConfig config, AwsCredentialsProvider credentials, SdkHttpClients http, boolean timed,
                                    InJvmDynamoDb inJvm) {
        return new AwsClients(config, credentials, http, timed, Optional.of(inJvm));
    }

    /**
     * Tells {@code listener} of every DynamoDB and S3 call of these clients from now on (consumed
     * capacity, failures by code, bytes, and timings when built timed), until the handle is closed.
     */
    public AutoCloseable subscribe(AwsCallListener listener) {
        return recorder.subscribe(listener);
    }

    /**
     * The STS client of {@code config} over {@code http}. It has no credentials of its own
     * (anonymous): each call names the credentials it checks or builds on in its request's
     * override, so one client serves identity checks, web identity and assume-role across
     * reloads. The caller closes it (and {@code http}).
     */
    public static StsClient sts(AwsConfig config, SdkHttpClient http) {
        var builder = StsClient.builder().httpClient(http).region(Region.of(config.region()))
                .credentialsProvider(AnonymousCredentialsProvider.create()).overrideConfiguration(overrides(config));
        config.stsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static ClientOverrideConfiguration overrides(AwsConfig config) {
        return noProfileFiles().toBuilder()
                .apiCallTimeout(config.apiCallTimeout())
                .retryStrategy(b -> b.maxAttempts(config.maxRetries() + 1))
                .build();
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** The DynamoDB Streams client live updates read the collection tables' streams with. */
    public DynamoDbStreamsClient streams() {
        return streams;
    }

    public S3Client s3() {
        return s3;
    }

    public S3Presigner presigner() {
        return presigner;
    }

    public String region() {
        return config.region();
    }

    public Optional<URI> dynamoDbEndpoint() {
        return config.dynamodbEndpoint();
    }

    public Optional<URI> s3Endpoint() {
        return config.s3Endpoint();
    }

    /**
     * Overrides that keep the SDK from reading {@code ~/.aws/config} and {@code ~/.aws/credentials}
     * for client settings: Coffer's configuration is the only source, so nothing surprises.
     */
    public static ClientOverrideConfiguration noProfileFiles() {
        var empty = software.amazon.awssdk.profiles.ProfileFile.builder()
                .content(new java.io.ByteArrayInputStream(new byte[0]))
                .type(software.amazon.awssdk.profiles.ProfileFile.Type.CONFIGURATION).build();
        return ClientOverrideConfiguration.builder().defaultProfileFile(empty).defaultProfileName("default").build();
    }

    /** Client overrides for probes (health): one attempt, a short deadline, so a dead backend answers fast. */
    public static ClientOverrideConfiguration probeOverrides(Duration timeout) {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(timeout)
                .retryStrategy(RetryMode.STANDARD)
                .retryStrategy(b -> b.maxAttempts(1))
                .build();
    }

    @Override
    public void close() {
        dynamoDb.close();
        streams.close();
        s3.close();
        presigner.close();
        http.close();
    }
}
