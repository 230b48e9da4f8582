package dev.coffer.records;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import dev.coffer.support.Json;
import dev.coffer.support.OpaqueTokens;
import dev.coffer.support.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * What the operator console reads of the records piece: the declared collections with their
 * tables, one user's items per collection (newest first, through the same query and cursors as
 * the app's list), how many items a user has (the deletion confirmation), and a browse across
 * users (a Scan, for admins only). Reads only; deleting a user goes through account deletion.
 */
public final class RecordsForOperators {
    private final RecordStore store;
    private final Map<String, Collection> collections;
    private final DynamoDbClient dynamoDb;
    private final OpaqueTokens scanCursors;

    RecordsForOperators(RecordStore store, Map<String, Collection> collections, DynamoDbClient dynamoDb, Secret signingKey) {
        this.store = store;
        this.collections = Map.copyOf(collections);
        this.dynamoDb = dynamoDb;
        this.scanCursors = new OpaqueTokens(signingKey, "coffer-admin-scan-v1");
    }

    /** A declared collection as the console shows it; {@code itemCount} as DynamoDB reports it (refreshed about every six hours on AWS). */
    public record CollectionInfo(String name, String table, @JsonProperty("partition_key") String partitionKey,
                                 @JsonProperty("sort_key") String sortKey, @JsonProperty("ttl_attribute") String ttlAttribute,
                                 List<Map<String, Object>> indexes, @JsonProperty("item_count") Long itemCount,
                                 @JsonProperty("table_status") String tableStatus) {
    }

    /** A page of items and the cursor of the next one. */
    public record ItemPage(List<ObjectNode> items, Optional<String> nextCursor) {
    }

    public List<String> names() {
        return collections.keySet().stream().sorted().toList();
    }

    public List<CollectionInfo> collections() {
        return names().stream().map(collections::get).map(this::info).toList();
    }

    private CollectionInfo info(Collection c) {
        Optional<TableDescription> table;
        try {
            table = Optional.of(dynamoDb.describeTable(b -> b.tableName(c.table())).table());
        } catch (SdkException e) {
            table = Optional.empty();
        }
        List<Map<String, Object>> indexes = c.config().indexes().stream().map(i -> Map.<String, Object>of("name", i.name(),
                "kind", i.global() ? "global" : "local", "key", i.key(), "key_type", i.numeric() ? "number" : "string")).toList();
        return new CollectionInfo(c.name(), c.table(), Collection.USER_ID, c.sortKey(), c.config().ttlAttribute().orElse(null), indexes,
                table.map(TableDescription::itemCount).orElse(null), table.map(TableDescription::tableStatusAsString).orElse(null));
    }

    /** One page of {@code user}'s items in {@code collection}, newest first (by sort key; ids are time-ordered). */
    public ItemPage newestOf(UserId user, String collection, Optional<String> cursor, int limit) {
        Collection c = collection(collection);
        var spec = new QuerySpec(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true,
                limit, cursor);
        RecordStore.Page page = store.query(user, c, spec);
        return new ItemPage(page.items(), page.nextCursor());
    }

    /** How many items {@code user} has in each collection (Query with Select COUNT, every page). */
    public Map<String, Long> countsFor(UserId user) {
        var counts = new LinkedHashMap<String, Long>();
        for (String name : names()) {
            Collection c = collections.get(name);
            long count = 0;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                var response = query(c, b -> {
                    b.tableName(c.table()).keyConditionExpression("#pk = :pk").select(Select.COUNT).consistentRead(true)
                            .expressionAttributeNames(Map.of("#pk", Collection.USER_ID))
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(user.value())));
                    if (from != null) {
                        b.exclusiveStartKey(from);
                    }
                });
                count += response.count();
                start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            } while (start != null);
            counts.put(name, count);
        }
        return counts;
    }

    /** A page of items across every user of {@code collection}, in the table's order (a Scan). */
    public ItemPage browse(String collection, Optional<String> cursor, int limit) {
        Collection c = collection(collection);
        Optional<Map<String, AttributeValue>> start = cursor.map(raw -> openCursor(raw, c));
        ScanResponse response;
        try {
            response = dynamoDb.scan(b -> {
                b.tableName(c.table()).limit(limit);
                start.ifPresent(b::exclusiveStartKey);
            });
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "Scan on " + c.table());
        }
        List<ObjectNode> items = response.items().stream().map(ItemCodec::toJson).toList();
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(sealCursor(response.lastEvaluatedKey(), c)) : Optional.empty();
        return new ItemPage(items, next);
    }

    private Collection collection(String name) {
        Collection c = collections.get(name);
        if (c == null) {
            throw new CofferException(ErrorCode.NOT_FOUND, "no collection named '" + name + "' is declared");
        }
        return c;
    }

    private software.amazon.awssdk.services.dynamodb.model.QueryResponse query(Collection c,
            java.util.function.Consumer<software.amazon.awssdk.services.dynamodb.model.QueryRequest.Builder> request) {
        try {
            return dynamoDb.query(request);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "Query on " + c.table());
        }
    }

    private String sealCursor(Map<String, AttributeValue> key, Collection c) {
        ObjectNode k = Json.mapper().createObjectNode();
        key.forEach((name, value) -> k.putObject(name).put(value.n() != null ? "N" : "S", value.n() != null ? value.n() : value.s()));
        return scanCursors.seal(k.toString().getBytes(StandardCharsets.UTF_8), c.table());
    }

    private Map<String, AttributeValue> openCursor(String cursor, Collection c) {
        CofferException invalid = new CofferException(ErrorCode.VALIDATION_FAILED, "'cursor' is not a cursor this list handed out");
        byte[] payload = scanCursors.open(cursor, c.table()).orElseThrow(() -> invalid);
        try {
            JsonNode k = Json.mapper().readTree(payload);
            var key = new LinkedHashMap<String, AttributeValue>();
            k.fields().forEachRemaining(e -> key.put(e.getKey(), e.getValue().has("N")
                    ? AttributeValue.fromN(e.getValue().get("N").asText()) : AttributeValue.fromS(e.getValue().path("S").asText())));
            return key;
        } catch (IOException e) {
            throw invalid;
        }
    }
}
