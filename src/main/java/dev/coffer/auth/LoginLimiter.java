package dev.coffer.auth;

import dev.coffer.aws.AwsErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Counts failed logins per email and per client address in windows that start at the first
 * failure; past the limit, further attempts are refused with the time until the window ends
 * (429 + Retry-After), without checking the password.
 *
 * <p>The counters live in the auth table ({@code login#e#<email key>}, {@code login#a#<address>}:
 * {@code failures}, {@code window_end} in epoch milliseconds, and {@code ttl} so DynamoDB drops
 * them later), bumped with an atomic {@code ADD}, so every instance behind a balancer counts the
 * same failures: N instances give an attacker the same attempts as one. DynamoDB's TTL deletes
 * late (up to days), so an item's own {@code window_end} decides whether it still counts.
 *
 * <p>Each instance remembers the keys it has seen over the limit until their window ends and
 * refuses them without reading: a memory that can only make the limit stricter (a success, which
 * clears the email counter, is impossible while the email is over the limit). It is bounded and
 * dropped whole when full. Time comes from an injected clock. Thread-safe.
 */
final class LoginLimiter {
    /** The users' counters; the console's admins count under {@link #ADMINS}, so neither locks the other out. */
    static final String USERS = "login#";
    static final String ADMINS = "admin-login#";
    private static final int MAX_REMEMBERED = 100_000;
    /** Kept a little past the window: a clock behind another instance's still finds the item. */
    private static final Duration TTL_MARGIN = Duration.ofMinutes(5);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String prefix;
    private final int maxPerEmail;
    private final int maxPerAddress;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> blockedUntil = new ConcurrentHashMap<>();

    LoginLimiter(DynamoDbClient dynamoDb, String authTable, String prefix, int maxPerEmail, Duration window, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = authTable;
        this.prefix = prefix;
        this.maxPerEmail = maxPerEmail;
        this.maxPerAddress = maxPerEmail * 4;
        this.window = window;
        this.clock = clock;
    }

    /** How long the caller must wait, if either key is over its limit (at most two consistent GetItems). */
    Optional<Duration> blocked(String email, String address) {
        Instant now = clock.instant();
        return worst(wait(emailKey(email), maxPerEmail, now), wait(addressKey(address), maxPerAddress, now));
    }

    void failed(String email, String address) {
        Instant now = clock.instant();
        bump(emailKey(email), maxPerEmail, now);
        bump(addressKey(address), maxPerAddress, now);
    }

    void succeeded(String email) {
        String key = emailKey(email);
        blockedUntil.remove(key);
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(key))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DeleteItem on " + table);
        }
    }

    private String emailKey(String email) {
        return prefix + "e#" + email;
    }

    private String addressKey(String address) {
        return prefix + "a#" + address;
    }

    /** One more failure under {@code key}: counted in the current window, or the first of a new one. */
    private void bump(String key, int max, Instant now) {
        Instant end = now.plus(window);
        var values = Map.of(":one", n(1), ":now", n(now.toEpochMilli()), ":end", n(end.toEpochMilli()),
                ":ttl", n(end.plus(TTL_MARGIN).getEpochSecond()));
        Map<String, AttributeValue> counted;
        try {
            counted = dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(key)))
                    .updateExpression("ADD failures :one SET window_end = if_not_exists(window_end, :end), #ttl = if_not_exists(#ttl, :ttl)")
                    .conditionExpression("attribute_not_exists(pk) OR window_end > :now")
                    .expressionAttributeNames(Map.of("#ttl", "ttl")).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException windowOver) {
            // The item's window has ended: start a new one. Two instances may both do so; the
            // later put wins and one failure of the two is not counted, which costs an attacker
            // more than it gains (both had to fail at the same instant).
            counted = Map.of("failures", n(1), "window_end", n(end.toEpochMilli()));
            try {
                dynamoDb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(key), "failures", n(1),
                        "window_end", n(end.toEpochMilli()), "ttl", n(end.plus(TTL_MARGIN).getEpochSecond()))));
            } catch (SdkException e) {
                throw AwsErrors.translate(e, "PutItem on " + table);
            }
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + table);
        }
        if (Long.parseLong(counted.get("failures").n()) >= max) {
            remember(key, Instant.ofEpochMilli(Long.parseLong(counted.get("window_end").n())));
        }
    }

    private Optional<Duration> wait(String key, int max, Instant now) {
        Instant until = blockedUntil.get(key);
        if (until != null && now.isBefore(until)) {
            return Optional.of(Duration.between(now, until));
        }
        Map<String, AttributeValue> item;
        try {
            var response = dynamoDb.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(key))).consistentRead(true));
            item = response.hasItem() ? response.item() : Map.of();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetItem on " + table);
        }
        if (!item.containsKey("failures") || !item.containsKey("window_end")) {
            return Optional.empty();
        }
        Instant end = Instant.ofEpochMilli(Long.parseLong(item.get("window_end").n()));
        if (!now.isBefore(end) || Long.parseLong(item.get("failures").n()) < max) {
            return Optional.empty();
        }
        remember(key, end);
        return Optional.of(Duration.between(now, end));
    }

    private void remember(String key, Instant until) {
        if (blockedUntil.size() >= MAX_REMEMBERED) {
            blockedUntil.clear();
        }
        blockedUntil.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    private static Optional<Duration> worst(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().compareTo(b.get()) >= 0 ? a : b;
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
