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
import java.util.Map;
import java.util.Set;
import dev.coffer.identity.UserId;
import dev.coffer.usage.ItemMeter;
import dev.coffer.usage.Usage;
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
        return create(config, dynamoDb, signingKey, clock, ItemMeter.NONE);
    }

    /** As above, telling {@code meter} of every item created, resized and deleted (usage, quotas). */
    public static Records create(CofferConfig config, DynamoDbClient dynamoDb, Secret signingKey, Clock clock, ItemMeter meter) {
        var collections = new LinkedHashMap<String, Collection>();
        config.collections().forEach((name, c) -> collections.put(name, new Collection(c)));
        var store = new RecordStore(dynamoDb, collections, new Cursors(signingKey), clock, meter);
        return new Records(store, tables(config), new RecordsForOperators(store, collections, dynamoDb, signingKey));
    }

    /** The partition key of every collection table: the owner's user id. */
    public static final String PARTITION_KEY = Collection.USER_ID;

    /** An item as the API shows it, from its DynamoDB attributes (live updates render stream images with it). */
    public static com.fasterxml.jackson.databind.node.ObjectNode itemJson(java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        return ItemCodec.toJson(item);
    }

    /** The user's items and bytes per collection, read from the tables (what a usage recount compares with). */
    public Map<String, Usage.Stored> measure(UserId user) {
        return store.measure(user);
    }

    /** Every user with items in any collection (scans each table's keys; operator commands only). */
    public Set<UserId> owners() {
        return store.owners();
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
