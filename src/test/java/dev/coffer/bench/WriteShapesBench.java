package dev.coffer.bench;

import dev.coffer.backends.Backends;
import dev.coffer.credentials.Credentials;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.schema.TableSpec;
import dev.coffer.testing.TestCoffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What one item create can cost in the embedded DynamoDB Local, shape by shape, through Coffer's
 * own clients (called directly, as {@code serve} opens them): a conditional PutItem alone; the usage
 * counter's ADD followed by that PutItem (the two writes a create makes); both in one
 * TransactWriteItems; the two writes with the legacy parameters, which need no expression parsed.
 * Interleaved rounds, each shape warmed first.
 */
final class WriteShapesBench {
    private WriteShapesBench() {
    }

    private interface Shape {
        void write(DynamoDbClient ddb, String user);
    }

    static String run(Path dir, List<Integer> clients, int rounds, Duration slice, Duration warmUp) throws Exception {
        Files.createDirectories(dir);
        var out = new StringBuilder();
        try (var stack = EmbeddedServers.onDisk(dir).start("bench write shapes");
             var backends = clientsOn(stack)) {
            var ddb = backends.clients().dynamoDb();
            createItemsTable(ddb, "items");
            ddb.createTable(b -> b.tableName("usage").billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")));
            Map<String, Shape> shapes = new java.util.LinkedHashMap<>();
            shapes.put("PutItem alone", (d, u) -> d.putItem(put("items", u)));
            shapes.put("UpdateItem ADD, then PutItem", (d, u) -> {
                d.updateItem(add(u, false).toBuilder().returnValues(ReturnValue.ALL_NEW).build());
                d.putItem(put("items", u));
            });
            // The same two writes with the legacy AttributeUpdates / Expected parameters: no expression for DynamoDB Local to parse.
            shapes.put("legacy parameters: UpdateItem ADD, then PutItem", (d, u) -> {
                d.updateItem(b -> b.tableName("usage").key(Map.of("pk", AttributeValue.fromS("usage#" + u)))
                        .attributeUpdates(Map.of(
                                "items:notes", AttributeValueUpdate.builder().action(AttributeAction.ADD).value(AttributeValue.fromN("1")).build(),
                                "bytes:notes", AttributeValueUpdate.builder().action(AttributeAction.ADD).value(AttributeValue.fromN("90")).build(),
                                "user_id", AttributeValueUpdate.builder().action(AttributeAction.PUT).value(AttributeValue.fromS(u)).build()))
                        .returnValues(ReturnValue.ALL_NEW));
                var p = put("items", u);
                d.putItem(b -> b.tableName(p.tableName()).item(p.item())
                        .expected(Map.of("user_id", ExpectedAttributeValue.builder().exists(false).build())));
            });
            shapes.put("TransactWriteItems (Update + Put)", (d, u) -> d.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().update(x -> {
                        var a = add(u, true);
                        x.tableName(a.tableName()).key(a.key()).updateExpression(a.updateExpression())
                                .conditionExpression(a.conditionExpression())
                                .expressionAttributeNames(a.expressionAttributeNames()).expressionAttributeValues(a.expressionAttributeValues());
                    }).build(),
                    TransactWriteItem.builder().put(x -> {
                        var p = put("items", u);
                        x.tableName(p.tableName()).item(p.item()).conditionExpression(p.conditionExpression())
                                .expressionAttributeNames(p.expressionAttributeNames());
                    }).build())));
            out.append("### One create's writes in DynamoDB Local (called directly through Coffer's clients, on disk, ")
                    .append(rounds).append(" interleaved rounds of ").append(slice.toSeconds()).append(" s, ")
                    .append(warmUp.toMillis()).append(" ms warm-up per shape and clients)\n\n")
                    .append("| clients | users | shape | creates/s | p50 / p99 ms | load avg |\n|---|---|---|---|---|---|\n");
            for (int c : clients) {
              for (boolean oneUser : List.of(true, false)) {
                Map<String, List<LoadRunner.Result>> results = new java.util.LinkedHashMap<>();
                for (var shape : shapes.entrySet()) {
                    LoadRunner.run("warm", c, warmUp, 10_000_000, factory(ddb, shape.getValue(), oneUser));
                    results.put(shape.getKey(), new ArrayList<>());
                }
                String load = ProcessProbe.loadAverage();
                for (int r = 0; r < rounds; r++) {
                    for (var shape : shapes.entrySet()) {
                        results.get(shape.getKey()).add(LoadRunner.run(shape.getKey(), c, slice, 10_000_000, factory(ddb, shape.getValue(), oneUser)));
                    }
                }
                for (var e : results.entrySet()) {
                    var m = LoadRunner.Result.merge(e.getValue());
                    out.append(String.format(Locale.ROOT, "| %d | %s | %s | %.0f | %.2f / %.2f | %s |%n", c, oneUser ? "one" : "one each", e.getKey(), m.perSecond(),
                            m.percentileMillis(50), m.percentileMillis(99), load + (m.errors() > 0 ? ", " + m.errors() + " errors" : "")));
                }
              }
            }
        }
        return out.toString();
    }

    /** Every client writes as one user (as the peers bench's clients do), or each as a user of its own. */
    private static LoadRunner.OperationFactory factory(DynamoDbClient ddb, Shape shape, boolean oneUser) {
        return c -> () -> {
            shape.write(ddb, oneUser ? "user" : "user-" + c);
            return null;
        };
    }

    /** Coffer's own clients on {@code stack}, as {@code serve} opens them (DynamoDB Local called directly where it can). */
    static Backends clientsOn(EmbeddedServers stack) throws Exception {
        return Backends.open(TestCoffer.config("", Map.of()), Optional.of(stack), Clock.systemUTC(),
                dev.coffer.aws.SdkHttpClients.apache(), Credentials.Verification.BY_CALLER,
                Backends.WhenFolderInUse.REFUSE);
    }

    /** A table keyed as a collection's (user_id, id), with the stream Coffer's collection tables have. */
    static void createItemsTable(DynamoDbClient ddb, String table) {
        ddb.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("user_id").keyType("HASH"), k -> k.attributeName("id").keyType("RANGE"))
                .attributeDefinitions(a -> a.attributeName("user_id").attributeType("S"), a -> a.attributeName("id").attributeType("S"))
                .streamSpecification(st -> st.streamEnabled(true).streamViewType(TableSpec.STREAM_VIEW)));
    }

    /** A create's conditional PutItem of a new item of {@code user}, as {@code RecordStore.create} writes one. */
    static software.amazon.awssdk.services.dynamodb.model.PutItemRequest put(String table, String user) {
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        return software.amazon.awssdk.services.dynamodb.model.PutItemRequest.builder().tableName(table).item(Map.of(
                        "user_id", AttributeValue.fromS(user), "id", AttributeValue.fromS(UUID.randomUUID().toString()),
                        "n", AttributeValue.fromN("1"), "created_at", AttributeValue.fromS(now), "updated_at", AttributeValue.fromS(now),
                        "version", AttributeValue.fromN("1")))
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "user_id")).build();
    }

    private static software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest add(String user, boolean guarded) {
        var b = software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.builder().tableName("usage")
                .key(Map.of("pk", AttributeValue.fromS("usage#" + user)))
                .updateExpression("ADD #i :one, #b :size SET #u = :u")
                .expressionAttributeNames(guarded ? Map.of("#i", "items:notes", "#b", "bytes:notes", "#u", "user_id", "#q", "quota:items")
                        : Map.of("#i", "items:notes", "#b", "bytes:notes", "#u", "user_id"))
                .expressionAttributeValues(guarded ? Map.of(":one", AttributeValue.fromN("1"), ":size", AttributeValue.fromN("90"),
                        ":u", AttributeValue.fromS(user), ":limit", AttributeValue.fromN("100000000"))
                        : Map.of(":one", AttributeValue.fromN("1"), ":size", AttributeValue.fromN("90"), ":u", AttributeValue.fromS(user)));
        if (guarded) {
            b.conditionExpression("(attribute_not_exists(#q) AND (attribute_not_exists(#i) OR #i < :limit)) OR #i < #q");
        }
        return b.build();
    }
}
