package dev.coffer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import dev.coffer.aws.AwsClients;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.AwsConfig;
import dev.coffer.testing.TestCoffer;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The in-process transport to the embedded DynamoDB Local answers as its loopback HTTP endpoint
 * does: the same items, the same errors (type, message, the old item of a failed condition, a
 * cancelled transaction's reasons), the streams API, and a refused connection while stopped. Its
 * clients point at a port nothing listens on, so every answer below came without HTTP.
 */
class InProcessDynamoDbTest {
    /** The discard port: nothing listens there, so a client that used HTTP would fail to connect. */
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");
    private static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("a"));

    private static EmbeddedDynamoDb ddb;
    private static DynamoDbClient overHttp;
    private static DynamoDbClient inProcess;

    @BeforeAll
    static void start() throws Exception {
        ddb = EmbeddedDynamoDb.inMemory();
        URI endpoint = ddb.start();
        overHttp = DynamoDbClient.builder().httpClient(ApacheHttpClient.create()).endpointOverride(endpoint)
                .region(Region.US_EAST_1).credentialsProvider(keys()).build();
        inProcess = DynamoDbClient.builder().httpClient(transport()).endpointOverride(NOWHERE)
                .region(Region.US_EAST_1).credentialsProvider(keys()).build();
        inProcess.createTable(b -> b.tableName("things").billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        inProcess.putItem(b -> b.tableName("things").item(Map.of("pk", AttributeValue.fromS("a"), "n", AttributeValue.fromN("1"))));
    }

    @AfterAll
    static void stop() throws Exception {
        overHttp.close();
        inProcess.close();
        ddb.close();
    }

    private static StaticCredentialsProvider keys() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY));
    }

    private static SdkHttpClient transport() {
        return ddb.inProcessClient().orElseThrow(() -> new AssertionError("DynamoDB Local 3.3.1's dispatch tables were not found"));
    }

    @Test
    void itemsWrittenInProcessAreTheItemsTheHttpEndpointServes() {
        inProcess.updateItem(b -> b.tableName("things").key(KEY).updateExpression("ADD n :one")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
        var viaHttp = overHttp.getItem(b -> b.tableName("things").key(KEY).consistentRead(true)).item();
        var viaProcess = inProcess.getItem(b -> b.tableName("things").key(KEY).consistentRead(true)).item();
        assertThat(viaProcess).isEqualTo(viaHttp).containsKey("n");
        assertThat(inProcess.query(b -> b.tableName("things").keyConditionExpression("pk = :a")
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("a")))).items()).containsExactly(viaHttp);
        assertThat(inProcess.listTables().tableNames()).contains("things");
    }

    @Test
    void consumedCapacityComesBackAsOverHttp() {
        var viaProcess = inProcess.getItem(b -> b.tableName("things").key(KEY).returnConsumedCapacity("TOTAL"));
        var viaHttp = overHttp.getItem(b -> b.tableName("things").key(KEY).returnConsumedCapacity("TOTAL"));
        assertThat(viaProcess.consumedCapacity()).isEqualTo(viaHttp.consumedCapacity()).isNotNull();
    }

    @Test
    void failedConditionCarriesTheSameTypeMessageAndOldItem() {
        Consumer<DynamoDbClient> put = c -> c.putItem(b -> b.tableName("things")
                .item(Map.of("pk", AttributeValue.fromS("a"))).conditionExpression("attribute_not_exists(pk)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        var viaProcess = failure(() -> put.accept(inProcess));
        var viaHttp = failure(() -> put.accept(overHttp));
        assertThat(viaProcess).isInstanceOf(ConditionalCheckFailedException.class);
        assertSameFailure(viaProcess, viaHttp);
        assertThat(((ConditionalCheckFailedException) viaProcess).item())
                .isEqualTo(((ConditionalCheckFailedException) viaHttp).item()).containsKey("n");
    }

    @Test
    void cancelledTransactionCarriesTheSameReasons() {
        Consumer<DynamoDbClient> transact = c -> c.transactWriteItems(b -> b.transactItems(
                i -> i.conditionCheck(k -> k.tableName("things").key(KEY).conditionExpression("attribute_not_exists(pk)")),
                i -> i.put(p -> p.tableName("things").item(Map.of("pk", AttributeValue.fromS("b"))))));
        var viaProcess = failure(() -> transact.accept(inProcess));
        var viaHttp = failure(() -> transact.accept(overHttp));
        assertThat(viaProcess).isInstanceOf(TransactionCanceledException.class);
        assertSameFailure(viaProcess, viaHttp);
        assertThat(((TransactionCanceledException) viaProcess).cancellationReasons())
                .isEqualTo(((TransactionCanceledException) viaHttp).cancellationReasons()).hasSize(2);
    }

    @Test
    void missingTableAndInvalidRequestFailAsOverHttp() {
        Function<DynamoDbClient, Runnable> missing = c -> () -> c.getItem(b -> b.tableName("missing").key(KEY));
        assertSameFailure(failure(missing.apply(inProcess)), failure(missing.apply(overHttp)));
        Function<DynamoDbClient, Runnable> invalid = c -> () -> c.getItem(b -> b.tableName("things").key(Map.of("other", AttributeValue.fromS("x"))));
        var viaProcess = failure(invalid.apply(inProcess));
        assertThat(viaProcess.statusCode()).isEqualTo(400);
        assertSameFailure(viaProcess, failure(invalid.apply(overHttp)));
    }

    @Test
    void streamsApiAnswersInProcess() {
        try (var streams = DynamoDbStreamsClient.builder().httpClient(transport()).endpointOverride(NOWHERE)
                .region(Region.US_EAST_1).credentialsProvider(keys()).build()) {
            String arn = inProcess.describeTable(b -> b.tableName("things")).table().latestStreamArn();
            var shard = streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards().getFirst();
            String iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            var records = streams.getRecords(b -> b.shardIterator(iterator)).records();
            assertThat(records).isNotEmpty();
            assertThat(records.getFirst().dynamodb().keys()).isEqualTo(KEY);
        }
    }

    /**
     * Coffer's own clients ({@link AwsClients} given the in-process transport) send DynamoDB and
     * Streams calls unsigned: no SigV4 work per call, and the answers are the signed client's.
     */
    @Test
    void coffersClientsSendUnsignedThroughTheTransportAndGetTheSameAnswers() {
        var headers = new CopyOnWriteArrayList<Map<String, List<String>>>();
        SdkHttpClient transport = transport();
        SdkHttpClient recording = new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                headers.add(request.httpRequest().headers());
                return transport.prepareRequest(request);
            }

            @Override
            public void close() {
            }
        };
        var config = TestCoffer.config("", Map.of()).aws();
        var aws = new AwsConfig(EmbeddedServers.REGION, Optional.of(NOWHERE), Optional.of(NOWHERE), Optional.empty(), true,
                Optional.empty(), config.apiCallTimeout(), config.maxRetries(), config.credentials());
        try (AwsClients clients = AwsClients.create(aws, keys(), SdkHttpClients.apache(), false, recording)) {
            var described = clients.dynamoDb().describeTable(b -> b.tableName("things")).table();
            assertThat(described.tableArn()).isEqualTo(overHttp.describeTable(b -> b.tableName("things")).table().tableArn());
            assertThat(clients.dynamoDb().getItem(b -> b.tableName("things").key(KEY).consistentRead(true)).item())
                    .isEqualTo(overHttp.getItem(b -> b.tableName("things").key(KEY).consistentRead(true)).item());
            assertThat(clients.streams().describeStream(b -> b.streamArn(described.latestStreamArn())).streamDescription().tableName())
                    .isEqualTo("things");
        }
        assertThat(headers).hasSize(3).allSatisfy(h -> assertThat(h.keySet()).noneMatch(k -> k.equalsIgnoreCase("Authorization")));
    }

    @Test
    void whileStoppedCallsFailAsARefusedConnectionAndWorkAgainAfterRestart() throws Exception {
        try (EmbeddedDynamoDb other = EmbeddedDynamoDb.inMemory()) {
            other.start();
            SdkHttpClient http = other.inProcessClient().orElseThrow();
            try (DynamoDbClient client = DynamoDbClient.builder().httpClient(http).endpointOverride(NOWHERE)
                    .region(Region.US_EAST_1).credentialsProvider(keys())
                    .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build()) {
                assertThat(client.listTables().tableNames()).isEmpty();
                other.stop();
                assertThatThrownBy(client::listTables).isInstanceOf(SdkClientException.class)
                        .hasRootCauseInstanceOf(ConnectException.class);
                other.start();
                assertThat(client.listTables().tableNames()).isEqualTo(List.of());
            }
        }
    }

    private static AwsServiceException failure(Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    private static void assertSameFailure(AwsServiceException viaProcess, AwsServiceException viaHttp) {
        assertThat(viaProcess.getClass()).isEqualTo(viaHttp.getClass());
        assertThat(viaProcess.statusCode()).isEqualTo(viaHttp.statusCode());
        assertThat(viaProcess.awsErrorDetails().errorCode()).isEqualTo(viaHttp.awsErrorDetails().errorCode());
        assertThat(viaProcess.awsErrorDetails().errorMessage()).isEqualTo(viaHttp.awsErrorDetails().errorMessage());
    }
}
