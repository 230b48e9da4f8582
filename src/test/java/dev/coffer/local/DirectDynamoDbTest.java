package dev.coffer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import dev.coffer.aws.AwsCall;
import dev.coffer.aws.AwsCallListener;
import dev.coffer.aws.AwsCallRecorder;
import dev.coffer.aws.AwsClients;
import dev.coffer.aws.CapacityUse;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.AwsConfig;
import dev.coffer.testing.TestCoffer;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;
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
 * Coffer's direct clients of the embedded DynamoDB Local answer as its loopback HTTP endpoint does
 * through the SDK: the same items, consumed capacity, errors (type, status, code, message, the old
 * item of a failed condition, a cancelled transaction's reasons), the streams API, paginators, and
 * a refused connection while stopped; and they tell Coffer's call listeners what the SDK's
 * interceptor tells them.
 */
class DirectDynamoDbTest {
    private static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("a"));

    private static EmbeddedDynamoDb ddb;
    private static DynamoDbClient overHttp;
    private static DynamoDbClient direct;

    @BeforeAll
    static void start() throws Exception {
        ddb = EmbeddedDynamoDb.inMemory();
        URI endpoint = ddb.start();
        overHttp = DynamoDbClient.builder().httpClient(ApacheHttpClient.create()).endpointOverride(endpoint)
                .region(Region.US_EAST_1).credentialsProvider(keys()).build();
        direct = inJvm().dynamoDb(new AwsCallRecorder(), false);
        direct.createTable(b -> b.tableName("things").billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        direct.putItem(b -> b.tableName("things").item(Map.of("pk", AttributeValue.fromS("a"), "n", AttributeValue.fromN("1"))));
    }

    @AfterAll
    static void stop() throws Exception {
        overHttp.close();
        direct.close();
        ddb.close();
    }

    private static StaticCredentialsProvider keys() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY));
    }

    private static dev.coffer.aws.InJvmDynamoDb inJvm() {
        return ddb.inJvm().orElseThrow(() -> new AssertionError("DynamoDB Local 3.3.1's shared client was not found"));
    }

    @Test
    void itemsWrittenDirectlyAreTheItemsTheHttpEndpointServes() {
        direct.updateItem(b -> b.tableName("things").key(KEY).updateExpression("ADD n :one")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
        var viaHttp = overHttp.getItem(b -> b.tableName("things").key(KEY).consistentRead(true)).item();
        var viaDirect = direct.getItem(b -> b.tableName("things").key(KEY).consistentRead(true)).item();
        assertThat(viaDirect).isEqualTo(viaHttp).containsKey("n");
        assertThat(direct.query(b -> b.tableName("things").keyConditionExpression("pk = :a")
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("a")))).items()).containsExactly(viaHttp);
        assertThat(direct.listTables().tableNames()).contains("things");
    }

    @Test
    void paginatorsAndWaitersRunThroughTheDirectClient() {
        var pages = direct.queryPaginator(b -> b.tableName("things").keyConditionExpression("pk = :a").limit(1)
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("a"))));
        assertThat(pages.items()).hasSize(1);
        assertThat(direct.waiter().waitUntilTableExists(b -> b.tableName("things")).matched().response()).isPresent();
    }

    @Test
    void consumedCapacityComesBackAsOverHttp() {
        var viaDirect = direct.getItem(b -> b.tableName("things").key(KEY).returnConsumedCapacity("TOTAL"));
        var viaHttp = overHttp.getItem(b -> b.tableName("things").key(KEY).returnConsumedCapacity("TOTAL"));
        assertThat(viaDirect.consumedCapacity()).isEqualTo(viaHttp.consumedCapacity()).isNotNull();
    }

    @Test
    void failedConditionCarriesTheSameTypeMessageAndOldItem() {
        Consumer<DynamoDbClient> put = c -> c.putItem(b -> b.tableName("things")
                .item(Map.of("pk", AttributeValue.fromS("a"))).conditionExpression("attribute_not_exists(pk)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        var viaDirect = failure(() -> put.accept(direct));
        var viaHttp = failure(() -> put.accept(overHttp));
        assertThat(viaDirect).isInstanceOf(ConditionalCheckFailedException.class);
        assertSameFailure(viaDirect, viaHttp);
        assertThat(((ConditionalCheckFailedException) viaDirect).item())
                .isEqualTo(((ConditionalCheckFailedException) viaHttp).item()).containsKey("n");
    }

    @Test
    void cancelledTransactionCarriesTheSameReasons() {
        Consumer<DynamoDbClient> transact = c -> c.transactWriteItems(b -> b.transactItems(
                i -> i.conditionCheck(k -> k.tableName("things").key(KEY).conditionExpression("attribute_not_exists(pk)")),
                i -> i.put(p -> p.tableName("things").item(Map.of("pk", AttributeValue.fromS("b"))))));
        var viaDirect = failure(() -> transact.accept(direct));
        var viaHttp = failure(() -> transact.accept(overHttp));
        assertThat(viaDirect).isInstanceOf(TransactionCanceledException.class);
        assertSameFailure(viaDirect, viaHttp);
        assertThat(((TransactionCanceledException) viaDirect).cancellationReasons())
                .isEqualTo(((TransactionCanceledException) viaHttp).cancellationReasons()).hasSize(2);
    }

    @Test
    void missingTableAndInvalidRequestFailAsOverHttp() {
        Function<DynamoDbClient, Runnable> missing = c -> () -> c.getItem(b -> b.tableName("missing").key(KEY));
        assertSameFailure(failure(missing.apply(direct)), failure(missing.apply(overHttp)));
        Function<DynamoDbClient, Runnable> invalid = c -> () -> c.getItem(b -> b.tableName("things").key(Map.of("other", AttributeValue.fromS("x"))));
        var viaDirect = failure(invalid.apply(direct));
        assertThat(viaDirect.statusCode()).isEqualTo(400);
        assertSameFailure(viaDirect, failure(invalid.apply(overHttp)));
        Function<DynamoDbClient, Runnable> badExpression = c -> () -> c.updateItem(b -> b.tableName("things").key(KEY)
                .updateExpression("SET #missing = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1"))));
        assertSameFailure(failure(badExpression.apply(direct)), failure(badExpression.apply(overHttp)));
    }

    @Test
    void streamsApiAnswersDirectly() {
        try (var streams = inJvm().streams(new AwsCallRecorder(), false)) {
            String arn = direct.describeTable(b -> b.tableName("things")).table().latestStreamArn();
            var shard = streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards().getFirst();
            String iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            var records = streams.getRecords(b -> b.shardIterator(iterator)).records();
            assertThat(records).isNotEmpty();
            assertThat(records.getFirst().dynamodb().keys()).isEqualTo(KEY);
        }
    }

    /**
     * Coffer's clients ({@link AwsClients} given the direct clients) tell the call listeners what
     * the SDK's interceptor tells them of the same calls over HTTP: consumed capacity on every
     * call (asked for without the caller asking), a failed condition as a conflict, and the call
     * itself when timed.
     */
    @Test
    void coffersDirectClientsReportCallsAsTheSdkPipelineDoes() throws Exception {
        var config = TestCoffer.config("", Map.of()).aws();
        var overLoopback = new AwsConfig(EmbeddedServers.REGION, Optional.of(ddb.endpoint()), Optional.of(ddb.endpoint()), Optional.empty(), true,
                Optional.empty(), config.apiCallTimeout(), config.maxRetries(), config.credentials());
        Recorded viaDirect;
        Recorded viaHttp;
        try (AwsClients clients = AwsClients.create(overLoopback, keys(), SdkHttpClients.apache(), true, inJvm())) {
            viaDirect = recorded(clients);
        }
        try (AwsClients clients = AwsClients.create(overLoopback, keys(), SdkHttpClients.apache(), true)) {
            viaHttp = recorded(clients);
        }
        assertThat(viaDirect.capacity()).isEqualTo(viaHttp.capacity())
                .extracting(CapacityUse::operation).containsExactly("GetItem", "UpdateItem");
        assertThat(viaDirect.failures()).isEqualTo(viaHttp.failures())
                .containsExactly("dynamodb PutItem conflict ConditionalCheckFailedException");
        assertThat(viaDirect.calls()).isEqualTo(viaHttp.calls())
                .containsExactly("dynamodb GetItem true", "dynamodb UpdateItem true", "dynamodb PutItem false");
    }

    private record Recorded(List<CapacityUse> capacity, List<String> failures, List<String> calls) {
    }

    private static Recorded recorded(AwsClients clients) throws Exception {
        var capacity = new CopyOnWriteArrayList<CapacityUse>();
        var failures = new CopyOnWriteArrayList<String>();
        var calls = new CopyOnWriteArrayList<String>();
        try (AutoCloseable subscription = clients.subscribe(new AwsCallListener() {
            @Override
            public void consumed(CapacityUse use) {
                capacity.add(use);
            }

            @Override
            public void failed(String service, String operation, String code, String awsCode) {
                failures.add(service + " " + operation + " " + code + " " + awsCode);
            }

            @Override
            public void completed(AwsCall call) {
                calls.add(call.service() + " " + call.operation() + " " + call.successful());
            }
        })) {
            var ddbClient = clients.dynamoDb();
            ddbClient.getItem(b -> b.tableName("things").key(KEY));
            ddbClient.updateItem(b -> b.tableName("things").key(Map.of("pk", AttributeValue.fromS("reported")))
                    .updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            failure(() -> ddbClient.putItem(b -> b.tableName("things").item(KEY).conditionExpression("attribute_not_exists(pk)")));
        }
        return new Recorded(List.copyOf(capacity), List.copyOf(failures), List.copyOf(calls));
    }

    /**
     * A request that names its own deadline (the health probes' short timeout) fails with the
     * SDK's timeout exception while DynamoDB Local's one database thread is held up, as the SDK's
     * pipeline made it fail; the database answers again once it is free.
     */
    @Test
    void aRequestsOwnDeadlineEndsACallTheDatabaseHoldsUp() throws Exception {
        var client = (AmazonDynamoDBLocal) EmbeddedDynamoDb.field(EmbeddedDynamoDb.class, "shared").get(ddb);
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var holding = EmbeddedDynamoDb.queue(client).execute(new SQLiteJob<Void>() {
            @Override
            protected Void job(SQLiteConnection connection) throws Throwable {
                held.countDown();
                // Bounded, so that a client ignoring the deadline fails the assertion below instead of hanging.
                release.await(10, TimeUnit.SECONDS);
                return null;
            }
        });
        try {
            held.await();
            assertThatThrownBy(() -> direct.getItem(b -> b.tableName("things").key(KEY)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(200)))))
                    .isInstanceOf(ApiCallTimeoutException.class);
        } finally {
            release.countDown();
            holding.get();
        }
        assertThat(direct.getItem(b -> b.tableName("things").key(KEY).consistentRead(true)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30)))).item()).containsKey("n");
    }

    @Test
    void whileStoppedCallsFailAsARefusedConnectionAndWorkAgainAfterRestart() throws Exception {
        try (EmbeddedDynamoDb other = EmbeddedDynamoDb.inMemory()) {
            other.start();
            try (DynamoDbClient client = other.inJvm().orElseThrow().dynamoDb(new AwsCallRecorder(), false)) {
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

    private static void assertSameFailure(AwsServiceException viaDirect, AwsServiceException viaHttp) {
        assertThat(viaDirect.getClass()).isEqualTo(viaHttp.getClass());
        assertThat(viaDirect.statusCode()).isEqualTo(viaHttp.statusCode());
        assertThat(viaDirect.awsErrorDetails().errorCode()).isEqualTo(viaHttp.awsErrorDetails().errorCode());
        assertThat(viaDirect.awsErrorDetails().errorMessage()).isEqualTo(viaHttp.awsErrorDetails().errorMessage());
    }
}
