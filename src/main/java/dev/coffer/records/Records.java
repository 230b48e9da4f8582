package dev.coffer.records;

import dev.coffer.config.CofferConfig;
import dev.coffer.http.ApiModule;
import dev.coffer.http.JsonBodies;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.schema.TableSpec;
import dev.coffer.support.Secret;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The records piece, assembled: the tables it needs, its routes, and its part in account deletion. */
public final class Records {
    private final RecordStore store;
    private final List<TableSpec> tables;
    private final RecordsForOperators operators;

    private Records(RecordStore store, List<TableSpec> tables, RecordsForOperators operators) {
        this.store = store;
        this.tables = tables;
        this.operators = operators;
    }

    public static Records create(CofferConfig config, DynamoDbClient dynamoDb, Secret signingKey, Clock clock) {
        var collections = new LinkedHashMap<String, Collection>();
        config.collections().forEach((name, c) -> collections.put(name, new Collection(c)));
        var store = new RecordStore(dynamoDb, collections, new Cursors(signingKey), clock);
        return new Records(store, tables(config), new RecordsForOperators(store, collections, dynamoDb, signingKey));
    }

    /** The partition key of every collection table: the owner's user id. */
    public static final String PARTITION_KEY = Collection.USER_ID;

    /** An item as the API shows it, from its DynamoDB attributes (live updates render stream images with it). */
    public static com.fasterxml.jackson.databind.node.ObjectNode itemJson(java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        return ItemCodec.toJson(item);
    }

    /** The table of every declared collection. */
    public static List<TableSpec> tables(CofferConfig config) {
        return config.collections().values().stream().map(c -> new Collection(c).tableSpec()).toList();
    }

    public List<TableSpec> tables() {
        return tables;
    }

    public ApiModule routes(JsonBodies bodies) {
        return new RecordsRoutes(store, bodies);
    }

    /** What the operator console reads (admins only). */
    public RecordsForOperators forOperators() {
        return operators;
    }

    public UserDataOwner owner() {
        return store;
    }
}
