package dev.coffer.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.ulid.UlidFactory;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.usage.ItemMeter;
import dev.coffer.usage.Reservation;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Per-user items in DynamoDB. Every key this class builds has {@code user_id} = the caller, so no
 * request can reach another user's partition. Writes are conditional on the item's version
 * (optimistic concurrency); a read-modify-write retries on a concurrent change only when the
 * client did not pin a version. Thread-safe.
 */
final class RecordStore implements UserDataOwner {
    private static final int MAX_ATTEMPTS = 25;
    private static final String CREATED = "created_at";
    private static final String UPDATED = "updated_at";
    private static final String VERSION = "version";

    private final DynamoDbClient dynamoDb;
    private final Map<String, Collection> collections;
    private final Cursors cursors;
    private final Clock clock;
    private final UlidFactory ids;
    /** Told of every item created, resized and deleted (usage counters, the item quota). */
    private final ItemMeter meter;
    /**
     * Read-modify-writes of one item in this instance take turns (in arrival order), so 32 racing
     * PUTs are 32 writes rather than hundreds of conditional writes that lose to each other and
     * run out of attempts. Only an economy: across instances the conditional write still decides.
     */
    private final java.util.concurrent.locks.ReentrantLock[] itemLocks = java.util.stream.IntStream.range(0, 256)
            .mapToObj(i -> new java.util.concurrent.locks.ReentrantLock(true))
            .toArray(java.util.concurrent.locks.ReentrantLock[]::new);

    RecordStore(DynamoDbClient dynamoDb, Map<String, Collection> collections, Cursors cursors, Clock clock) {
        this(dynamoDb, collections, cursors, clock, ItemMeter.NONE);
    }

    RecordStore(DynamoDbClient dynamoDb, Map<String, Collection> collections, Cursors cursors, Clock clock, ItemMeter meter) {
        this.meter = meter;
        this.dynamoDb = dynamoDb;
        this.collections = Map.copyOf(collections);
        this.cursors = cursors;
        this.clock = clock;
        // Random part from a SecureRandom, time part from the injected clock.
        this.ids = UlidFactory.newMonotonicInstance(new java.security.SecureRandom(), clock::millis);
    }

    Optional<Collection> collection(String name) {
        return Optional.ofNullable(collections.get(name));
    }

    WriteOutcome create(UserId userId, Collection c, ObjectNode body) {
        ObjectNode item = body.deepCopy();
        if (!item.hasNonNull(c.sortKey())) {
            item.put(c.sortKey(), ids.create().toString());
        }
        String now = now();
        item.put(CREATED, now);
        item.put(UPDATED, now);
        item.put(VERSION, 1L);
        item.put(Collection.USER_ID, userId.value());
        Map<String, AttributeValue> attributes = checkedItem(c, item);
        // Counted first (and refused at the item quota), given back unless the item was stored.
        Reservation reservation = meter.creating(userId, c.name(), ItemCodec.size(attributes));
        boolean stored = false;
        try {
            dynamoDb.putItem(b -> b.tableName(c.table()).item(attributes).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Collection.USER_ID))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            stored = true;
            return new WriteOutcome.Written(item);
        } catch (ConditionalCheckFailedException e) {
            if (landedEarlier(e, attributes)) {
                stored = true;
                return new WriteOutcome.Written(item);
            }
            return new WriteOutcome.Conflict(e.hasItem() ? ItemCodec.toJson(e.item()).path(VERSION).asLong() : 0L);
        } catch (SdkException e) {
            throw translate(e, "PutItem", c);
        } finally {
            if (!stored) {
                reservation.release();
            }
        }
    }

    /**
     * True when the item that failed the condition (returned by DynamoDB with the failure, so no
     * second read) is exactly {@code attributes}: the SDK retried a write whose first attempt
     * landed but whose answer was lost (a dropped connection, a backend stopping), and the retry's
     * condition then failed against the write itself. Reporting that as a conflict would tell the
     * client a stored write had failed.
     */
    private static boolean landedEarlier(ConditionalCheckFailedException e, Map<String, AttributeValue> attributes) {
        return e.hasItem() && e.item().equals(attributes);
    }

    Optional<ObjectNode> get(UserId userId, Collection c, String id) {
        return stored(userId, c, id).map(ItemCodec::toJson);
    }

    /** The item as DynamoDB holds it (its size is what usage counts). */
    private Optional<Map<String, AttributeValue>> stored(UserId userId, Collection c, String id) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(c.table()).key(key(userId, c, id)).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
        } catch (SdkException e) {
            throw translate(e, "GetItem", c);
        }
    }

    /** Replaces the item's client attributes, keeping created_at; {@code ifMatch} pins the version. */
    WriteOutcome replace(UserId userId, Collection c, String id, ObjectNode body, IfMatch ifMatch) {
        // Checked before the first read, so a body DynamoDB would refuse costs no call at all.
        DynamoDbLimits.checkItem(c, ItemCodec.toItem(body));
        return update(userId, c, id, ifMatch, current -> body);
    }

    /** Applies an RFC 7396 merge patch to the item's client attributes. */
    WriteOutcome patch(UserId userId, Collection c, String id, ObjectNode patch, IfMatch ifMatch) {
        // What the patch sets (its top-level nulls remove attributes) must be storable; the merged
        // item is checked again before it is written.
        ObjectNode sets = patch.deepCopy();
        ItemCodec.keys(patch).stream().filter(name -> patch.get(name).isNull()).forEach(sets::remove);
        DynamoDbLimits.checkItem(c, ItemCodec.toItem(sets));
        return update(userId, c, id, ifMatch, current -> {
            ObjectNode client = current.deepCopy();
            RecordsRoutes.SERVER_SET.forEach(client::remove);
            client.remove(c.sortKey());
            JsonNode merged = MergePatch.apply(client, patch);
            return (ObjectNode) merged;
        });
    }

    private WriteOutcome update(UserId userId, Collection c, String id, IfMatch ifMatch,
                                java.util.function.UnaryOperator<ObjectNode> change) {
        var lock = itemLocks[Math.floorMod(java.util.Objects.hash(c.table(), userId, id), itemLocks.length)];
        lock.lock();
        try {
            return updateLocked(userId, c, id, ifMatch, change);
        } finally {
            lock.unlock();
        }
    }

    private WriteOutcome updateLocked(UserId userId, Collection c, String id, IfMatch ifMatch,
                                      java.util.function.UnaryOperator<ObjectNode> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Map<String, AttributeValue>> raw = stored(userId, c, id);
            if (raw.isEmpty()) {
                return new WriteOutcome.Missing();
            }
            Optional<ObjectNode> current = raw.map(ItemCodec::toJson);
            long version = current.get().path(VERSION).asLong();
            if (!ifMatch.allows(version)) {
                return new WriteOutcome.Conflict(version);
            }
            // A copy: the server-set attributes below must not land in what the change returned
            // (a replace returns the client's body itself, which the next attempt uses again).
            ObjectNode item = change.apply(current.get()).deepCopy();
            item.put(c.sortKey(), id);
            item.put(CREATED, current.get().path(CREATED).asText());
            item.put(UPDATED, now());
            item.put(VERSION, version + 1);
            item.put(Collection.USER_ID, userId.value());
            Map<String, AttributeValue> attributes = checkedItem(c, item);
            try {
                dynamoDb.putItem(b -> b.tableName(c.table()).item(attributes).conditionExpression("#v = :v")
                        .expressionAttributeNames(Map.of("#v", VERSION))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version))))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                meter.resized(userId, c.name(), ItemCodec.size(attributes) - ItemCodec.size(raw.get()));
                return new WriteOutcome.Written(item);
            } catch (ConditionalCheckFailedException e) {
                if (landedEarlier(e, attributes)) {
                    meter.resized(userId, c.name(), ItemCodec.size(attributes) - ItemCodec.size(raw.get()));
                    return new WriteOutcome.Written(item);
                }
                if (ifMatch.pinsVersion()) {
                    return new WriteOutcome.Conflict(version + 1);
                }
                // Changed under us and the client did not pin a version: apply the change to the new
                // state, after a short random pause so that racing writers spread out.
                backOff(attempt);
            } catch (SdkException e) {
                throw translate(e, "PutItem", c);
            }
        }
        throw new CofferException(ErrorCode.CONFLICT, "the item is changing too fast to update; retry", null,
                java.time.Duration.ofSeconds(1), null);
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 3L + 2L * Math.min(attempt, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    WriteOutcome delete(UserId userId, Collection c, String id, IfMatch ifMatch) {
        Map<String, AttributeValue> key = key(userId, c, id);
        var names = new HashMap<String, String>();
        names.put("#pk", Collection.USER_ID);
        var values = new HashMap<String, AttributeValue>();
        String condition = "attribute_exists(#pk)";
        if (ifMatch instanceof IfMatch.Versions pinned) {
            if (pinned.versions().isEmpty()) {
                // Nothing the client named can match: no write, only the answer (412, or 404).
                return currentState(userId, c, id);
            }
            var operands = new ArrayList<String>();
            for (long version : pinned.versions()) {
                operands.add(":v" + operands.size());
                values.put(operands.getLast(), AttributeValue.fromN(Long.toString(version)));
            }
            condition += " AND #v IN (" + String.join(", ", operands) + ")";
            names.put("#v", VERSION);
        }
        String finalCondition = condition;
        try {
            var deleted = dynamoDb.deleteItem(b -> {
                // The old item comes back with the answer (no extra read): its size leaves the usage counters.
                b.tableName(c.table()).key(key).conditionExpression(finalCondition).expressionAttributeNames(names)
                        .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD);
                if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                }
            });
            if (deleted.hasAttributes() && !deleted.attributes().isEmpty()) {
                meter.deleted(userId, c.name(), ItemCodec.size(deleted.attributes()));
            }
            return new WriteOutcome.Written(null);
        } catch (ConditionalCheckFailedException e) {
            return currentState(userId, c, id);
        } catch (SdkException e) {
            throw translate(e, "DeleteItem", c);
        }
    }

    /** Why a conditional write did not happen: the item is at another version, or missing. */
    private WriteOutcome currentState(UserId userId, Collection c, String id) {
        return get(userId, c, id).<WriteOutcome>map(existing -> new WriteOutcome.Conflict(existing.path(VERSION).asLong()))
                .orElseGet(WriteOutcome.Missing::new);
    }

    /**
     * One page of the caller's items; the cursor continues exactly where this page ended, and
     * only for the same query. Every value the query compares keys with is checked against
     * DynamoDB's key limits before the call.
     */
    Page query(UserId userId, Collection c, QuerySpec spec) {
        Optional<dev.coffer.config.CollectionConfig.IndexConfig> index = spec.index().flatMap(c::index);
        String keyAttribute = index.map(dev.coffer.config.CollectionConfig.IndexConfig::key).orElse(c.sortKey());
        boolean numeric = index.map(dev.coffer.config.CollectionConfig.IndexConfig::numeric).orElse(false);
        var names = new LinkedHashMap<String, String>();
        names.put("#pk", Collection.USER_ID);
        var values = new LinkedHashMap<String, AttributeValue>();
        values.put(":pk", AttributeValue.fromS(userId.value()));
        StringBuilder condition = new StringBuilder("#pk = :pk");
        if (spec.eq().isPresent() || spec.prefix().isPresent() || spec.from().isPresent() || spec.to().isPresent()) {
            names.put("#k", keyAttribute);
        }
        spec.eq().ifPresent(v -> {
            condition.append(" AND #k = :eq");
            values.put(":eq", DynamoDbLimits.keyValue(v, numeric, "eq"));
        });
        spec.prefix().ifPresent(v -> {
            condition.append(" AND begins_with(#k, :prefix)");
            values.put(":prefix", AttributeValue.fromS(DynamoDbLimits.sortKey(v, "prefix")));
        });
        if (spec.from().isPresent() && spec.to().isPresent()) {
            AttributeValue from = DynamoDbLimits.keyValue(spec.from().get(), numeric, "from");
            AttributeValue to = DynamoDbLimits.keyValue(spec.to().get(), numeric, "to");
            // DynamoDB refuses BETWEEN with its bounds reversed; compared in DynamoDB's own order.
            int order = numeric ? new java.math.BigDecimal(from.n()).compareTo(new java.math.BigDecimal(to.n()))
                    : DynamoDbLimits.compareStrings(from.s(), to.s());
            if (order > 0) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'from' must not be after 'to'");
            }
            condition.append(" AND #k BETWEEN :from AND :to");
            values.put(":from", from);
            values.put(":to", to);
        } else if (spec.from().isPresent()) {
            condition.append(" AND #k >= :from");
            values.put(":from", DynamoDbLimits.keyValue(spec.from().get(), numeric, "from"));
        } else if (spec.to().isPresent()) {
            condition.append(" AND #k <= :to");
            values.put(":to", DynamoDbLimits.keyValue(spec.to().get(), numeric, "to"));
        }
        var request = QueryRequest.builder().tableName(c.table()).keyConditionExpression(condition.toString())
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(!spec.descending()).limit(spec.limit());
        index.ifPresent(i -> request.indexName(i.name()).consistentRead(!i.global()));
        if (index.isEmpty()) {
            request.consistentRead(true);
        }
        spec.cursor().ifPresent(cursor -> request.exclusiveStartKey(cursors.decode(cursor, userId.value(), c, spec)));
        QueryResponse response;
        try {
            response = dynamoDb.query(request.build());
        } catch (SdkException e) {
            throw translate(e, "Query", c);
        }
        List<ObjectNode> items = response.items().stream().map(ItemCodec::toJson).toList();
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(cursors.encode(userId.value(), c, spec, response.lastEvaluatedKey())) : Optional.empty();
        return new Page(items, next);
    }

    /** A page of items and the cursor of the next page, if any. */
    record Page(List<ObjectNode> items, Optional<String> nextCursor) {
    }

    /**
     * The user's items and their bytes in each collection, read from the tables (a recount):
     * every item of the user's partition, fully, since its size is what is counted.
     */
    Map<String, dev.coffer.usage.Usage.Stored> measure(UserId userId) {
        var result = new LinkedHashMap<String, dev.coffer.usage.Usage.Stored>();
        for (Collection c : collections.values()) {
            long count = 0;
            long bytes = 0;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> exclusiveStart = start;
                QueryResponse page;
                try {
                    page = dynamoDb.query(b -> {
                        b.tableName(c.table()).keyConditionExpression("#pk = :pk")
                                .expressionAttributeNames(Map.of("#pk", Collection.USER_ID))
                                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(userId.value()))).consistentRead(true);
                        if (exclusiveStart != null) {
                            b.exclusiveStartKey(exclusiveStart);
                        }
                    });
                } catch (SdkException e) {
                    throw translate(e, "Query", c);
                }
                for (Map<String, AttributeValue> item : page.items()) {
                    count++;
                    bytes += ItemCodec.size(item);
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            result.put(c.name(), new dev.coffer.usage.Usage.Stored(count, bytes));
        }
        return result;
    }

    /** Every user id with an item in any collection (a Scan of each table, keys only: operator recounts). */
    java.util.Set<UserId> owners() {
        var users = new java.util.TreeSet<String>();
        for (Collection c : collections.values()) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> exclusiveStart = start;
                software.amazon.awssdk.services.dynamodb.model.ScanResponse page;
                try {
                    page = dynamoDb.scan(b -> {
                        b.tableName(c.table()).projectionExpression("#pk").expressionAttributeNames(Map.of("#pk", Collection.USER_ID));
                        if (exclusiveStart != null) {
                            b.exclusiveStartKey(exclusiveStart);
                        }
                    });
                } catch (SdkException e) {
                    throw translate(e, "Scan", c);
                }
                page.items().forEach(item -> users.add(item.get(Collection.USER_ID).s()));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        return users.stream().map(UserId::new).collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /** Deletes every item of the user in every collection; safe to run again after a failure. */
    @Override
    public void deleteAllFor(UserId userId) {
        for (Collection c : collections.values()) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> exclusiveStart = start;
                QueryResponse page;
                try {
                    page = dynamoDb.query(b -> {
                        b.tableName(c.table()).keyConditionExpression("#pk = :pk")
                                .expressionAttributeNames(Map.of("#pk", Collection.USER_ID, "#sk", c.sortKey()))
                                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(userId.value())))
                                .projectionExpression("#pk, #sk").consistentRead(true);
                        if (exclusiveStart != null) {
                            b.exclusiveStartKey(exclusiveStart);
                        }
                    });
                } catch (SdkException e) {
                    throw translate(e, "Query", c);
                }
                var deletes = new ArrayList<WriteRequest>();
                for (Map<String, AttributeValue> item : page.items()) {
                    deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(item)).build());
                }
                for (int i = 0; i < deletes.size(); i += 25) {
                    batchDelete(c, deletes.subList(i, Math.min(deletes.size(), i + 25)));
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
    }

    private void batchDelete(Collection c, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(c.table(), batch);
        for (int attempt = 0; attempt < 8 && !pending.isEmpty(); attempt++) {
            Map<String, List<WriteRequest>> request = pending;
            try {
                var response = dynamoDb.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            } catch (SdkException e) {
                throw translate(e, "BatchWriteItem", c);
            }
        }
        if (!pending.isEmpty()) {
            throw new CofferException(ErrorCode.THROTTLED, "could not delete every item of " + c.name() + "; retry", null,
                    java.time.Duration.ofSeconds(1), null);
        }
    }

    /** The item as DynamoDB attribute values, within every limit DynamoDB enforces ({@link DynamoDbLimits}). */
    private static Map<String, AttributeValue> checkedItem(Collection c, ObjectNode item) {
        Map<String, AttributeValue> attributes = ItemCodec.toItem(item);
        DynamoDbLimits.checkItem(c, attributes);
        return attributes;
    }

    private static Map<String, AttributeValue> key(UserId userId, Collection c, String id) {
        return Map.of(Collection.USER_ID, AttributeValue.fromS(userId.value()),
                c.sortKey(), AttributeValue.fromS(DynamoDbLimits.sortKey(id, c.sortKey())));
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static CofferException translate(SdkException e, String operation, Collection c) {
        CofferException translated = AwsErrors.translate(e, operation + " on " + c.table());
        String message = String.valueOf(e.getMessage());
        if (translated.code() == ErrorCode.AWS_ERROR && message.contains("Item size")) {
            return new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "the item exceeds DynamoDB's 400 KB limit");
        }
        return translated;
    }
}
