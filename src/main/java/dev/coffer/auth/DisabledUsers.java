package dev.coffer.auth;

import dev.coffer.aws.AwsErrors;
import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Users an admin disabled: a {@code disabled#<user_id>} item in the auth table (who disabled them,
 * when), asked by authentication on every request with a short per-instance memory in front, as
 * {@link DeletedUsers} does for deletions. Unlike a deletion, a disable is undone by enabling, so
 * both answers are remembered for {@link #REMEMBER}: a change made on this instance counts from
 * the next request, one made on another instance within that time. Thread-safe.
 */
final class DisabledUsers {
    static final Duration REMEMBER = Duration.ofSeconds(10);
    private static final String DISABLED = "disabled#";
    private static final int MAX_REMEMBERED = 100_000;

    private record Known(boolean disabled, Instant until) {
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;
    private final ConcurrentHashMap<UserId, Known> known = new ConcurrentHashMap<>();

    DisabledUsers(DynamoDbClient dynamoDb, String usersTable, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = AccountStore.authTable(usersTable);
        this.clock = clock;
    }

    boolean isDisabled(UserId user) {
        Instant now = clock.instant();
        Known cached = known.get(user);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.disabled();
        }
        boolean disabled = read(user);
        remember(user, disabled, now);
        return disabled;
    }

    /** Disables {@code user}: their tokens and service keys naming them are refused until {@link #enable}. */
    void disable(UserId user, String adminId) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(DISABLED + user.value()),
                    "disabled_by", AttributeValue.fromS(adminId), "disabled_at", AttributeValue.fromS(clock.instant().toString()))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "PutItem on " + table);
        }
        remember(user, true, clock.instant());
    }

    void enable(UserId user) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(DISABLED + user.value()))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DeleteItem on " + table);
        }
        remember(user, false, clock.instant());
    }

    /** The stored state, bypassing the memory (what the console shows). */
    boolean read(UserId user) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(DISABLED + user.value())))
                    .consistentRead(true));
            return response.hasItem() && !response.item().isEmpty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetItem on " + table);
        }
    }

    private void remember(UserId user, boolean disabled, Instant now) {
        if (known.size() >= MAX_REMEMBERED) {
            known.clear();
        }
        known.put(user, new Known(disabled, now.plus(REMEMBER)));
    }
}
