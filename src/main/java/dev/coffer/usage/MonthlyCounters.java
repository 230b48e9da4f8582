package dev.coffer.usage;

import dev.coffer.aws.AwsErrors;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import dev.coffer.support.BackgroundExecutors;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The month items of the auth table: {@code month#<user_id>#<yyyy-mm>} per user and
 * {@code month#*#<yyyy-mm>} for the whole deployment, each with request units, S3 requests, bytes
 * out and {@code req:<dd>:<service>:<read|write>} counters, expiring ({@code ttl})
 * {@value #KEEP_DAYS} days after the month began. Every {@code usage.flush_interval} each
 * instance adds what its {@link Tally} counted, one UpdateItem per active user and one for the
 * deployment, so a request costs no write of its own. Closing flushes what is left.
 *
 * <p>As a {@link UserDataOwner}, deleting an account removes the user's month items and drops
 * what this instance counted for them and has not flushed. A user's month item is only written
 * in a transaction with a check that the user's deletion marker ({@code deleted#<user_id>}, kept
 * by auth's AccountStore) has no {@code deleted_at}: the marker is written before any owner
 * deletes, so a flush racing a deletion, on this instance or another, cannot re-create an item.
 */
public final class MonthlyCounters implements AutoCloseable, UserDataOwner {
    private static final Logger LOG = LoggerFactory.getLogger(MonthlyCounters.class);
    static final String PREFIX = "month#";
    /** Long enough for last year's same month to compare with. */
    static final int KEEP_DAYS = 400;
    /** The months a user's items can still exist in: this one and every month whose item has not expired. */
    static final int MONTHS_KEPT = KEEP_DAYS / 28 + 1;
    /** auth's AccountStore standing item of a user; it holds {@code deleted_at} from the start of a deletion on. */
    static final String DELETION_MARKER = "deleted#";
    private static final int MAX_REMEMBERED_DELETIONS = 10_000;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Tally tally;
    private final Clock clock;
    private final ScheduledExecutorService flusher;
    /** Users deleted through this instance: their counts are dropped without a write (the transaction's check would refuse it). */
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();

    private MonthlyCounters(DynamoDbClient dynamoDb, String table, Tally tally, Clock clock, Duration interval) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.tally = tally;
        this.clock = clock;
        this.flusher = BackgroundExecutors.scheduled("usage-flush");
        flusher.scheduleWithFixedDelay(this::flushQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts flushing {@code tally} every {@code interval}. */
    public static MonthlyCounters start(DynamoDbClient dynamoDb, String table, Tally tally, Clock clock, Duration interval) {
        return new MonthlyCounters(dynamoDb, table, tally, clock, interval);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("usage counters not written ({}); they are retried at the next flush", e.toString());
        }
    }

    /** Writes what was counted since the last flush; what fails to be written is kept for the next. */
    public synchronized void flush() {
        Map<Tally.Key, Tally.Snapshot> drained = tally.drain();
        var failed = new ArrayList<Map.Entry<Tally.Key, Tally.Snapshot>>();
        for (var entry : drained.entrySet()) {
            try {
                add(entry.getKey(), entry.getValue());
            } catch (SdkException e) {
                failed.add(entry);
            }
        }
        if (!failed.isEmpty()) {
            // Put back, so the next flush tries again.
            for (var entry : failed) {
                tally.restore(entry.getKey(), entry.getValue());
            }
            throw new IllegalStateException(failed.size() + " of " + drained.size() + " month items of " + table + " not updated");
        }
    }

    private void add(Tally.Key key, Tally.Snapshot counts) {
        YearMonth month = YearMonth.from(key.day());
        var names = new LinkedHashMap<String, String>();
        var values = new LinkedHashMap<String, AttributeValue>();
        var adds = new ArrayList<String>();
        addNumber(adds, names, values, "rru", BigDecimal.valueOf(counts.readUnits()));
        addNumber(adds, names, values, "wru", BigDecimal.valueOf(counts.writeUnits()));
        addNumber(adds, names, values, "s3_put", BigDecimal.valueOf(counts.s3PutClass()));
        addNumber(adds, names, values, "s3_get", BigDecimal.valueOf(counts.s3GetClass()));
        addNumber(adds, names, values, "bytes_out", BigDecimal.valueOf(counts.bytesOut()));
        counts.requests().forEach((name, n) -> addNumber(adds, names, values,
                "req:" + String.format("%02d", key.day().getDayOfMonth()) + ":" + name, BigDecimal.valueOf(n)));
        names.put("#u", "user_id");
        names.put("#m", "month");
        names.put("#t", "ttl");
        values.put(":u", AttributeValue.fromS(key.user()));
        values.put(":m", AttributeValue.fromS(month.toString()));
        values.put(":t", AttributeValue.fromN(Long.toString(month.atDay(1).atStartOfDay(ZoneOffset.UTC)
                .plusDays(KEEP_DAYS).toEpochSecond())));
        String expression = "ADD " + String.join(", ", adds) + " SET #u = :u, #m = :m, #t = :t";
        if (key.user().equals(Tally.DEPLOYMENT)) {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(key.user(), month))
                    .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values));
            return;
        }
        if (deleted.contains(key.user())) {
            return;
        }
        try {
            dynamoDb.transactWriteItems(t -> t.transactItems(
                    i -> i.conditionCheck(c -> c.tableName(table).key(Map.of("pk", AttributeValue.fromS(DELETION_MARKER + key.user())))
                            .conditionExpression("attribute_not_exists(#d)").expressionAttributeNames(Map.of("#d", "deleted_at"))),
                    i -> i.update(u -> u.tableName(table).key(key(key.user(), month)).updateExpression(expression)
                            .expressionAttributeNames(names).expressionAttributeValues(values))));
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                // The account is deleted or being deleted: its counts go with it.
                remember(key.user());
                return;
            }
            throw e;
        }
    }

    private void remember(String user) {
        if (deleted.size() >= MAX_REMEMBERED_DELETIONS) {
            deleted.clear();
        }
        deleted.add(user);
    }

    /**
     * Drops the user's unflushed counts and deletes their month items of every month that can
     * still hold one (this month and the {@value #MONTHS_KEPT} before it: older ones expired).
     */
    @Override
    public void deleteAllFor(UserId user) {
        remember(user.value());
        tally.forget(user.value());
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        var requests = new ArrayList<WriteRequest>();
        for (int back = 0; back <= MONTHS_KEPT; back++) {
            requests.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key(user.value(), now.minusMonths(back))).build())
                    .build());
        }
        List<WriteRequest> left = requests;
        try {
            for (int attempt = 0; attempt < 5 && !left.isEmpty(); attempt++) {
                List<WriteRequest> batch = left;
                var response = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table, batch)));
                left = response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
            }
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "BatchWriteItem on " + table);
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException(left.size() + " month items of user " + user.value() + " in " + table
                    + " not deleted (throttled); the deletion is retried");
        }
    }

    private static void addNumber(List<String> adds, Map<String, String> names, Map<String, AttributeValue> values, String name,
                                  BigDecimal value) {
        if (value.signum() == 0) {
            return;
        }
        String n = "#a" + names.size();
        String v = ":v" + values.size();
        names.put(n, name);
        values.put(v, AttributeValue.fromN(value.stripTrailingZeros().toPlainString()));
        adds.add(n + " " + v);
    }

    static Map<String, AttributeValue> key(String target, YearMonth month) {
        return Map.of("pk", AttributeValue.fromS(PREFIX + target + "#" + month));
    }

    /** What {@code user} consumed in {@code month}, as flushed so far. */
    public MonthUsage read(UserId user, YearMonth month) {
        return read(user.value(), month);
    }

    /** What the whole deployment consumed in {@code month} (every user, and calls made for no user). */
    public MonthUsage deployment(YearMonth month) {
        return read(Tally.DEPLOYMENT, month);
    }

    private MonthUsage read(String target, YearMonth month) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(table).key(key(target, month)).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? usage(month, response.item()) : MonthUsage.none(month);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetItem on " + table);
        }
    }

    /** Every user's month item of {@code month} (a Scan: the admin listing and {@code coffer usage} only). */
    public Map<UserId, MonthUsage> everyUser(YearMonth month) {
        var result = new LinkedHashMap<UserId, MonthUsage>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            software.amazon.awssdk.services.dynamodb.model.ScanResponse page;
            try {
                page = dynamoDb.scan(b -> {
                    b.tableName(table).filterExpression("begins_with(pk, :p) AND #m = :m")
                            .expressionAttributeNames(Map.of("#m", "month"))
                            .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(PREFIX), ":m", AttributeValue.fromS(month.toString())));
                    if (from != null) {
                        b.exclusiveStartKey(from);
                    }
                });
            } catch (SdkException e) {
                throw AwsErrors.translate(e, "Scan on " + table);
            }
            for (var item : page.items()) {
                String user = item.get("user_id").s();
                if (!user.equals(Tally.DEPLOYMENT)) {
                    result.put(new UserId(user), usage(month, item));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return result;
    }

    private static MonthUsage usage(YearMonth month, Map<String, AttributeValue> item) {
        var byDay = new HashMap<LocalDate, Map<String, Long>>();
        item.forEach((name, value) -> {
            if (name.startsWith("req:")) {
                String[] parts = name.split(":", 3);
                byDay.computeIfAbsent(month.atDay(Integer.parseInt(parts[1])), d -> new HashMap<>())
                        .put(parts[2], Long.parseLong(value.n()));
            }
        });
        return new MonthUsage(month, decimal(item, "rru"), decimal(item, "wru"), (long) decimal(item, "s3_put"),
                (long) decimal(item, "s3_get"), (long) decimal(item, "bytes_out"), byDay);
    }

    private static double decimal(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : new BigDecimal(value.n()).doubleValue();
    }

    /** Stops the periodic flush and writes what is left. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
