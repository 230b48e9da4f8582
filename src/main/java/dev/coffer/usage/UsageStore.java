package dev.coffer.usage;

import dev.coffer.aws.AwsErrors;
import dev.coffer.config.QuotasConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The per-user usage items: one {@code usage#<user_id>} item in the auth table per user, holding
 * {@code files_count}, {@code files_bytes}, {@code items:<collection>} and
 * {@code bytes:<collection>} counters and the admin's {@code quota:<name>} overrides. One item per
 * user keeps reading a user's usage to one GetItem.
 *
 * <p>Counters move by atomic {@code ADD}s, never read-modify-write, so racing writes of one user
 * do not conflict. A quota is guarded by the counter itself: the reserving {@code ADD} returns the
 * item as it is after the update (the new count and the user's override, fresh), and a write that
 * took the counter past the limit takes its own increment back and is refused. Of racing writes,
 * exactly those whose increments land within the limit are accepted: no overshoot at all, and an
 * override an admin just set applies to the next write on every instance. Thread-safe.
 */
public final class UsageStore implements ItemMeter, FileMeter, UserDataOwner {
    private static final Logger LOG = LoggerFactory.getLogger(UsageStore.class);
    static final String PREFIX = "usage#";
    static final String FILES_COUNT = "files_count";
    static final String FILES_BYTES = "files_bytes";
    static final String ITEMS = "items:";
    static final String BYTES = "bytes:";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final QuotasConfig quotas;
    private final UsageSeries series;

    public UsageStore(DynamoDbClient dynamoDb, String table, QuotasConfig quotas) {
        this(dynamoDb, table, quotas, new UsageSeries());
    }

    /** Counting quota refusals into {@code series} too. */
    public UsageStore(DynamoDbClient dynamoDb, String table, QuotasConfig quotas, UsageSeries series) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.quotas = quotas;
        this.series = series;
    }

    @Override
    public Reservation creating(UserId user, String collection, long bytes) {
        Map<String, AttributeValue> after = add(user, Map.of(ITEMS + collection, 1L, BYTES + collection, bytes));
        Optional<Long> limit = limit(after, QuotaKey.ITEMS_PER_COLLECTION);
        long count = number(after, ITEMS + collection);
        if (limit.isPresent() && count > limit.get()) {
            addQuietly(user, Map.of(ITEMS + collection, -1L, BYTES + collection, -bytes));
            throw exceeded(QuotaKey.ITEMS_PER_COLLECTION, limit.get(), count - 1, 429,
                    "the collection " + collection + " holds " + (count - 1) + " of the " + limit.get()
                            + " items this account may keep in it", Map.of("collection", collection));
        }
        return () -> addQuietly(user, Map.of(ITEMS + collection, -1L, BYTES + collection, -bytes));
    }

    @Override
    public void resized(UserId user, String collection, long bytesDelta) {
        if (bytesDelta != 0) {
            addQuietly(user, Map.of(BYTES + collection, bytesDelta));
        }
    }

    @Override
    public void deleted(UserId user, String collection, long bytes) {
        addQuietly(user, Map.of(ITEMS + collection, -1L, BYTES + collection, -bytes));
    }

    @Override
    public Reservation reserve(UserId user, long filesDelta, long bytesDelta) {
        Map<String, AttributeValue> after = add(user, Map.of(FILES_COUNT, filesDelta, FILES_BYTES, bytesDelta));
        long count = number(after, FILES_COUNT);
        long bytes = number(after, FILES_BYTES);
        Optional<Long> countLimit = limit(after, QuotaKey.FILES_COUNT);
        Optional<Long> bytesLimit = limit(after, QuotaKey.FILES_BYTES);
        Reservation reservation = () -> addQuietly(user, Map.of(FILES_COUNT, -filesDelta, FILES_BYTES, -bytesDelta));
        if (filesDelta > 0 && countLimit.isPresent() && count > countLimit.get()) {
            reservation.release();
            throw exceeded(QuotaKey.FILES_COUNT, countLimit.get(), count - filesDelta, 429, "this account stores "
                    + (count - filesDelta) + " of the " + countLimit.get() + " files it may keep", Map.of());
        }
        if (bytesDelta > 0 && bytesLimit.isPresent() && bytes > bytesLimit.get()) {
            reservation.release();
            throw exceeded(QuotaKey.FILES_BYTES, bytesLimit.get(), bytes - bytesDelta, 413, "this file needs " + bytesDelta
                    + " more bytes; this account stores " + (bytes - bytesDelta) + " of the " + bytesLimit.get()
                    + " bytes of files it may keep", Map.of());
        }
        return reservation;
    }

    @Override
    public void deleted(UserId user, long bytes) {
        addQuietly(user, Map.of(FILES_COUNT, -1L, FILES_BYTES, -bytes));
    }

    /** The user's usage as counted (all zero for a user who never stored anything). */
    public Usage read(UserId user) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(table).key(key(user)).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? usage(user, response.item()) : Usage.none(user);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetItem on " + table);
        }
    }

    /**
     * The user's usage item read eventually consistently (half the read units of {@link #read}):
     * for limits read once a minute, where a second-old value does.
     */
    Usage overrides(UserId user) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(table).key(key(user)));
            return response.hasItem() && !response.item().isEmpty() ? usage(user, response.item()) : Usage.none(user);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetItem on " + table);
        }
    }

    /** Every user with a usage item (a Scan of the auth table: operator commands and the admin listing only). */
    public List<Usage> all() {
        var result = new ArrayList<Usage>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = scan(b -> {
                b.tableName(table).filterExpression("begins_with(pk, :p)").expressionAttributeValues(Map.of(":p",
                        AttributeValue.fromS(PREFIX)));
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            for (var item : page.items()) {
                result.add(usage(new UserId(item.get("pk").s().substring(PREFIX.length())), item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return result;
    }

    private software.amazon.awssdk.services.dynamodb.model.ScanResponse scan(
            java.util.function.Consumer<software.amazon.awssdk.services.dynamodb.model.ScanRequest.Builder> request) {
        try {
            return dynamoDb.scan(request);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "Scan on " + table);
        }
    }

    /**
     * Sets the stored counters to {@code measured} (a recount), zeroing counters of collections
     * the recount found empty; overrides stay.
     */
    public void overwrite(UserId user, Usage measured) {
        Map<String, Long> values = new TreeMap<>();
        read(user).counters().keySet().forEach(name -> values.put(name, 0L));
        values.putAll(measured.counters());
        var names = new HashMap<String, String>();
        var attributes = new HashMap<String, AttributeValue>();
        var sets = new ArrayList<String>();
        int i = 0;
        for (var entry : values.entrySet()) {
            names.put("#a" + i, entry.getKey());
            attributes.put(":v" + i, AttributeValue.fromN(Long.toString(entry.getValue())));
            sets.add("#a" + i + " = :v" + i);
            i++;
        }
        names.put("#u", "user_id");
        attributes.put(":u", AttributeValue.fromS(user.value()));
        sets.add("#u = :u");
        update(user, "SET " + String.join(", ", sets), names, attributes);
    }

    /** Sets ({@code value} present; -1 means no limit for this user) or removes a per-user override. */
    public void setQuota(UserId user, QuotaKey quota, Optional<Long> value) {
        if (value.isPresent()) {
            update(user, "SET #q = :q, #u = :u", Map.of("#q", quota.attribute(), "#u", "user_id"),
                    Map.of(":q", AttributeValue.fromN(Long.toString(value.get())), ":u", AttributeValue.fromS(user.value())));
        } else {
            update(user, "REMOVE #q", Map.of("#q", quota.attribute()), Map.of());
        }
    }

    /** The limit in force for {@code user}: the override, or the deployment's default; empty for none. */
    public Optional<Long> limit(Usage usage, QuotaKey quota) {
        Long override = usage.overrides().get(quota);
        if (override != null) {
            return override < 0 ? Optional.empty() : Optional.of(override);
        }
        return quota.defaultIn(quotas);
    }

    @Override
    public void deleteAllFor(UserId user) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(key(user)));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DeleteItem on " + table);
        }
    }

    private Optional<Long> limit(Map<String, AttributeValue> item, QuotaKey quota) {
        AttributeValue override = item.get(quota.attribute());
        if (override != null) {
            long value = Long.parseLong(override.n());
            return value < 0 ? Optional.empty() : Optional.of(value);
        }
        return quota.defaultIn(quotas);
    }

    /** ADDs {@code deltas} and returns the whole item as it is after the update. */
    private Map<String, AttributeValue> add(UserId user, Map<String, Long> deltas) {
        var names = new LinkedHashMap<String, String>();
        var values = new LinkedHashMap<String, AttributeValue>();
        var adds = new ArrayList<String>();
        int i = 0;
        for (var entry : new TreeMap<>(deltas).entrySet()) {
            names.put("#a" + i, entry.getKey());
            values.put(":v" + i, AttributeValue.fromN(Long.toString(entry.getValue())));
            adds.add("#a" + i + " :v" + i);
            i++;
        }
        names.put("#u", "user_id");
        values.put(":u", AttributeValue.fromS(user.value()));
        try {
            return dynamoDb.updateItem(b -> b.tableName(table).key(key(user))
                    .updateExpression("ADD " + String.join(", ", adds) + " SET #u = :u")
                    .expressionAttributeNames(names).expressionAttributeValues(values).returnValues(ReturnValue.ALL_NEW))
                    .attributes();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + table);
        }
    }

    /** An ADD after a write that already happened (or to give a reservation back): a failure is logged, a recount mends it. */
    private void addQuietly(UserId user, Map<String, Long> deltas) {
        try {
            add(user, deltas);
        } catch (CofferException e) {
            LOG.warn("usage counters of user {} not updated ({}); 'coffer usage --recount {}' mends them", user.value(),
                    e.oneLine(), user.value());
        }
    }

    private void update(UserId user, String expression, Map<String, String> names, Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(b -> {
                b.tableName(table).key(key(user)).updateExpression(expression).expressionAttributeNames(names);
                if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                }
            });
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + table);
        }
    }

    private CofferException exceeded(QuotaKey quota, long limit, long usage, int status, String detail,
                                     Map<String, Object> more) {
        series.refused(quota);
        var members = new LinkedHashMap<String, Object>();
        members.put("quota", quota.label());
        members.put("limit", limit);
        members.put("usage", usage);
        members.putAll(more);
        return new CofferException(ErrorCode.QUOTA_EXCEEDED, "quota " + quota.label() + " reached: " + detail,
                "delete data, or ask an administrator to raise the quota").with(status, members);
    }

    static Map<String, AttributeValue> key(UserId user) {
        return Map.of("pk", AttributeValue.fromS(PREFIX + user.value()));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    static Usage usage(UserId user, Map<String, AttributeValue> item) {
        var collections = new TreeMap<String, Usage.Stored>();
        var overrides = new EnumMap<QuotaKey, Long>(QuotaKey.class);
        item.forEach((name, value) -> {
            if (name.startsWith(ITEMS)) {
                String collection = name.substring(ITEMS.length());
                collections.put(collection, new Usage.Stored(Long.parseLong(value.n()), number(item, BYTES + collection)));
            }
            for (QuotaKey quota : QuotaKey.values()) {
                if (name.equals(quota.attribute())) {
                    overrides.put(quota, Long.parseLong(value.n()));
                }
            }
        });
        return new Usage(user, number(item, FILES_COUNT), number(item, FILES_BYTES), collections, overrides);
    }
}
