package dev.coffer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** DynamoDB Local's SQLite settings on the embedded default, and what they keep through {@code kill -9}. */
class EmbeddedDynamoDbTest {

    @Test
    void onDisk_sqliteRunsInWalWithNormalSyncStatementJournalsInMemoryAndAnExclusiveLock() throws Exception {
        try (EmbeddedDynamoDb ddb = EmbeddedDynamoDb.onDisk(Files.createTempDirectory("coffer-ddb-wal"))) {
            ddb.start();
            assertThat(ddb.sqliteSettings()).contains(new EmbeddedDynamoDb.SqliteSettings("wal", 1, 2, "exclusive"));
        }
    }

    /**
     * With statement journals in memory, a write that fails part-way still leaves nothing behind:
     * a cancelled transaction writes neither item, a failed condition changes nothing, and what
     * was acknowledged is there after the database is opened again.
     */
    @Test
    void onDisk_failedWritesLeaveNothingBehind() throws Exception {
        Path dir = Files.createTempDirectory("coffer-ddb-failed");
        var a = Map.of("pk", AttributeValue.fromS("a"));
        var b = Map.of("pk", AttributeValue.fromS("b"));
        try (EmbeddedDynamoDb ddb = EmbeddedDynamoDb.onDisk(dir); DynamoDbClient client = client(ddb.start())) {
            client.createTable(r -> r.tableName("failed").billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(d -> d.attributeName("pk").attributeType("S")));
            client.putItem(r -> r.tableName("failed").item(Map.of("pk", AttributeValue.fromS("a"), "n", AttributeValue.fromN("1"))));
            assertThatThrownBy(() -> client.transactWriteItems(r -> r.transactItems(
                    i -> i.put(p -> p.tableName("failed").item(Map.of("pk", AttributeValue.fromS("b"), "n", AttributeValue.fromN("1")))),
                    i -> i.update(u -> u.tableName("failed").key(a).updateExpression("SET n = n + :one")
                            .conditionExpression("n = :two").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                                    ":two", AttributeValue.fromN("2")))))))
                    .isInstanceOf(TransactionCanceledException.class);
            assertThatThrownBy(() -> client.updateItem(u -> u.tableName("failed").key(a).updateExpression("SET n = :nine")
                    .conditionExpression("attribute_not_exists(pk)").expressionAttributeValues(Map.of(":nine", AttributeValue.fromN("9")))))
                    .isInstanceOf(ConditionalCheckFailedException.class);
            client.updateItem(u -> u.tableName("failed").key(a).updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one",
                    AttributeValue.fromN("1"))));
        }
        try (EmbeddedDynamoDb reopened = EmbeddedDynamoDb.onDisk(dir); DynamoDbClient client = client(reopened.start())) {
            assertThat(client.getItem(r -> r.tableName("failed").key(a).consistentRead(true)).item()).containsEntry("n", AttributeValue.fromN("2"));
            assertThat(client.getItem(r -> r.tableName("failed").key(b).consistentRead(true)).hasItem()).isFalse();
            assertThat(client.scan(r -> r.tableName("failed")).count()).isEqualTo(1);
        }
    }

    @Test
    void inMemory_sqliteSettingsLeftAlone() throws Exception {
        try (EmbeddedDynamoDb ddb = EmbeddedDynamoDb.inMemory()) {
            ddb.start();
            assertThat(ddb.sqliteSettings()).isEmpty();
        }
    }

    /**
     * The durability WAL with {@code synchronous=NORMAL} still promises: the JVM that runs DynamoDB
     * Local is killed with SIGKILL right after its last acknowledged PutItem, and every
     * acknowledged item is there when the data folder is opened again. (What it no longer
     * promises, the last commits before an OS crash or power loss, cannot be tested here.)
     */
    @Test
    void killedWithSigkill_everyAcknowledgedWriteIsThereAfterReopening() throws Exception {
        Path dir = Files.createTempDirectory("coffer-ddb-kill");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx128m", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), EmbeddedDynamoDbChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> acknowledged = new ArrayList<>();
        try {
            var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String endpoint = lines.readLine();
            assertThat(endpoint).startsWith("http://127.0.0.1:");
            try (DynamoDbClient client = client(URI.create(endpoint))) {
                client.createTable(b -> b.tableName("kill").billingMode("PAY_PER_REQUEST")
                        .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                        .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")));
                for (int i = 0; i < 200; i++) {
                    String key = "item-" + i;
                    client.putItem(b -> b.tableName("kill").item(Map.of("pk", AttributeValue.fromS(key),
                            "n", AttributeValue.fromN("1"))));
                    acknowledged.add(key);
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no checkpoint
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(dir.resolve("shared-local-instance.db-wal")).exists();
        try (EmbeddedDynamoDb reopened = EmbeddedDynamoDb.onDisk(dir); DynamoDbClient client = client(reopened.start())) {
            for (String key : acknowledged) {
                var item = client.getItem(b -> b.tableName("kill").key(Map.of("pk", AttributeValue.fromS(key))).consistentRead(true));
                assertThat(item.item()).as(key).containsEntry("n", AttributeValue.fromN("1"));
            }
            assertThat(reopened.sqliteSettings()).contains(new EmbeddedDynamoDb.SqliteSettings("wal", 1, 2, "exclusive"));
        }
    }

    private static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID,
                        EmbeddedServers.SECRET_ACCESS_KEY)))
                .httpClient(ApacheHttpClient.create()).build();
    }
}
