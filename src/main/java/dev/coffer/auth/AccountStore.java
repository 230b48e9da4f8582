package dev.coffer.auth;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import dev.coffer.schema.TableSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Users in DynamoDB. The users table keeps the layout apps already use (partition key
 * {@code user_id}, GSI {@code email-index} on {@code email}); a second table
 * ({@code <users_table>-auth}, partition key {@code pk}, TTL on {@code ttl}) keeps what must be
 * unique or secret-derived: one {@code email#<key>} item per address ({@link EmailAddress#key}),
 * written in the same transaction as the user (so exactly one of any number of racing
 * registrations wins); the sessions ({@link SessionStore}); a {@code deleted#<user_id>} standing
 * item ({@link Standing}: the session version access tokens must carry, the disabled flag, and the
 * deletion marker of a deleted account, kept so that no token or service key can write for that
 * user again);
 * the login failure counters ({@link LoginLimiter}: {@code login#...}, expiring through the TTL);
 * and one {@value #PENDING_DELETIONS} item listing the deletions begun and not yet finished.
 *
 * <p>The users table's {@code email} is the address as typed (what the profile shows; apps that
 * query {@code email-index} should compare case-insensitively), {@code email_key} the lower-cased
 * key Coffer matches on. Accounts registered before keys were case-insensitive have no
 * {@code email_key} and an {@code email#} item under their old key until their first login.
 */
final class AccountStore {
    private static final String EMAIL = "email#";
    /**
     * The user's standing item: the deletion marker, the {@code disabled} flag and the session
     * version ({@link AccountStanding}). The prefix is historical: the item first held only the
     * marker, and markers written then must keep refusing the deleted user's service keys.
     */
    private static final String DELETED = "deleted#";
    /** The auth-table item whose string set {@code ids} lists every unfinished deletion. */
    static final String PENDING_DELETIONS = "deletions#pending";
    /**
     * Read in place of a users row when no email item matched, so a login for an unknown address
     * does the same reads as one for a known address. No account has it: accounts get UUIDs.
     */
    private static final UserId NO_ACCOUNT = new UserId("no-such-account");

    private final DynamoDbClient dynamoDb;
    private final String users;
    private final String auth;

    AccountStore(DynamoDbClient dynamoDb, String usersTable) {
        this.dynamoDb = dynamoDb;
        this.users = usersTable;
        this.auth = authTable(usersTable);
    }

    /** The login failure counters, kept in the auth table so that every instance counts the same failures. */
    LoginLimiter loginLimiter(String prefix, int maxPerEmail, java.time.Duration window, java.time.Clock clock) {
        return new LoginLimiter(dynamoDb, auth, prefix, maxPerEmail, window, clock);
    }

    static String authTable(String usersTable) {
        return usersTable + "-auth";
    }

    /**
     * What the auth piece calls on both of its tables: single-item reads and writes, directly or
     * as parts of a TransactWriteItems (which IAM authorises by its parts). No Query, no batch, and
     * no Scan but the console's list of users ({@link #USERS_TABLE_ACTIONS}) and the usage piece's
     * listing ({@link #AUTH_TABLE_ACTIONS}): whatever must be
     * found later (a user's sessions, unfinished deletions) is listed in an item of its own.
     */
    static final List<String> ITEM_ACTIONS = List.of("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem");

    /** The item actions and the console's user list ({@link UserDirectory}): the one Scan of the auth piece. */
    static final List<String> USERS_TABLE_ACTIONS = List.of("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:Scan", "dynamodb:UpdateItem");

    /**
     * The auth table also holds the usage piece's {@code usage#<user_id>} and {@code month#...}
     * items, which the admin's usage listing and {@code coffer usage} find with a Scan (filtered
     * on the key's prefix); nothing of auth's own is ever scanned.
     */
    static final List<String> AUTH_TABLE_ACTIONS = java.util.stream.Stream.concat(ITEM_ACTIONS.stream(),
            // The usage piece: its monthly counters are flushed in a transaction that first checks the
            // user's deletion marker (ConditionCheckItem), and deleted with the account in one batch.
            java.util.stream.Stream.of("dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem")).sorted().toList();

    /**
     * The users table keeps its email-index for apps that read the table themselves; Coffer finds
     * an email through its {@code email#} item instead, so the runtime policy grants no Query on it.
     */
    static List<TableSpec> tables(String usersTable) {
        var userId = new TableSpec.KeyAttribute("user_id", TableSpec.KeyType.S);
        var usersSpec = new TableSpec(usersTable, userId, Optional.empty(), List.of(new TableSpec.IndexSpec("email-index", true,
                new TableSpec.KeyAttribute("email", TableSpec.KeyType.S), Optional.empty(), false)), Optional.empty(), USERS_TABLE_ACTIONS);
        var authSpec = new TableSpec(authTable(usersTable), new TableSpec.KeyAttribute("pk", TableSpec.KeyType.S),
                Optional.empty(), List.of(), Optional.of("ttl"), AUTH_TABLE_ACTIONS);
        return List.of(usersSpec, authSpec);
    }

    /** False when the email key is taken (the transaction's condition on the email item failed). */
    boolean create(Account account, String emailKey) {
        Map<String, AttributeValue> user = Map.of("user_id", s(account.userId().value()), "email", s(account.email()),
                "email_key", s(emailKey), "full_name", s(account.fullName()), "password_hash", s(account.passwordHash()),
                "created_at", s(account.createdAt()), "updated_at", s(account.createdAt()),
                "sessions_valid_after", n(account.sessionsValidAfterMillis()));
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.put(p -> p.tableName(users).item(user).conditionExpression("attribute_not_exists(user_id)")),
                    t -> t.put(p -> p.tableName(auth).item(Map.of("pk", s(EMAIL + emailKey), "user_id", s(account.userId().value())))
                            .conditionExpression("attribute_not_exists(pk)"))));
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                return false;
            }
            throw new CofferException(ErrorCode.CONFLICT, "registration collided with another write; retry", null,
                    java.time.Duration.ofSeconds(1), e);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + users);
        }
    }

    /** Whether an email item exists under {@code key} (registration checks an old-style key with it). */
    boolean emailTaken(String key) {
        return item(auth, Map.of("pk", s(EMAIL + key))).isPresent();
    }

    /**
     * The account for an address, and whether it was found only by its old key. Always exactly
     * three consistent GetItems, whatever the answer: the email item under the key, the one under
     * the old key, and a users row (the matched one, or {@link #NO_ACCOUNT}). Known, unknown and
     * old-style addresses cost the same backend work, so timing tells nothing about which exist.
     */
    Match byEmail(EmailAddress email) {
        Optional<Map<String, AttributeValue>> current = item(auth, Map.of("pk", s(EMAIL + email.key())));
        Optional<Map<String, AttributeValue>> legacy = item(auth, Map.of("pk", s(EMAIL + email.legacyKey())));
        // An exact match under the old rule wins: two accounts registered then may differ only by
        // case, and each keeps logging in with the address it registered.
        boolean viaLegacy = legacy.isPresent() && !email.legacyKey().equals(email.key());
        Optional<Map<String, AttributeValue>> matched = viaLegacy ? legacy : current;
        UserId id = matched.map(i -> new UserId(i.get("user_id").s())).orElse(NO_ACCOUNT);
        Optional<Account> account = byId(id).filter(a -> matched.isPresent());
        return new Match(account, account.isPresent() && viaLegacy && current.isEmpty());
    }

    /** The result of {@link #byEmail}: {@code unclaimed} when the address has no item under its current key yet. */
    record Match(Optional<Account> account, boolean unclaimed) {
    }

    /**
     * Gives an account found by its old key an item under its current key too (once, after a
     * successful login), so from then on any case of the address finds it. Does nothing when
     * another account already holds that key (two old accounts differing only by case: the first
     * to log in gets the case-insensitive key; the other keeps its exact address).
     */
    void claimEmailKey(UserId user, String key) {
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.put(p -> p.tableName(auth).item(Map.of("pk", s(EMAIL + key), "user_id", s(user.value())))
                            .conditionExpression("attribute_not_exists(pk)")),
                    t -> t.update(u -> u.tableName(users).key(Map.of("user_id", s(user.value())))
                            .updateExpression("SET email_key = :k").conditionExpression("attribute_exists(user_id)")
                            .expressionAttributeValues(Map.of(":k", s(key))))));
        } catch (TransactionCanceledException taken) {
            // Someone else holds the key, or the account went away meanwhile: nothing to claim.
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + auth);
        }
    }

    Optional<Account> byId(UserId userId) {
        return item(users, Map.of("user_id", s(userId.value()))).map(i -> new Account(userId, i.get("email").s(),
                i.containsKey("full_name") ? i.get("full_name").s() : "", i.get("password_hash").s(), i.get("created_at").s(),
                i.containsKey("sessions_valid_after") ? Long.parseLong(i.get("sessions_valid_after").n()) : 0));
    }

    void updateName(UserId userId, String fullName, String now) {
        update(userId, "SET full_name = :n, updated_at = :u", Map.of(":n", s(fullName), ":u", s(now)));
    }

    /** New password; every refresh token issued before {@code validAfterMillis} stops working. */
    void updatePassword(UserId userId, String hash, long validAfterMillis, String now) {
        update(userId, "SET password_hash = :h, sessions_valid_after = :v, updated_at = :u",
                Map.of(":h", s(hash), ":v", n(validAfterMillis), ":u", s(now)));
    }

    /**
     * Removes the user's row and every email item naming the user, so no login finds the account.
     * Idempotent and resumable: the email items go first, each only if it names this user (an old
     * account may share a key with another), the row last; when the row is gone, so are they.
     */
    void deleteIdentity(UserId user) {
        Optional<Map<String, AttributeValue>> row = item(users, Map.of("user_id", s(user.value())));
        if (row.isEmpty()) {
            return;
        }
        String email = row.get().get("email").s();
        Set<String> keys = new LinkedHashSet<>();
        if (row.get().containsKey("email_key")) {
            keys.add(row.get().get("email_key").s());
        }
        keys.add(EmailAddress.keyOf(email));
        keys.add(EmailAddress.legacyKeyOf(email));
        for (String key : keys) {
            try {
                dynamoDb.deleteItem(b -> b.tableName(auth).key(Map.of("pk", s(EMAIL + key)))
                        .conditionExpression("user_id = :u").expressionAttributeValues(Map.of(":u", s(user.value()))));
            } catch (ConditionalCheckFailedException notThisUsers) {
                // no item under this key, or another account's
            } catch (SdkException e) {
                throw AwsErrors.translate(e, "DeleteItem on " + auth);
            }
        }
        try {
            dynamoDb.deleteItem(b -> b.tableName(users).key(Map.of("user_id", s(user.value()))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DeleteItem on " + users);
        }
    }

    /** How far the deletion of an account got. */
    enum DeletionState {
        /** Begun: the user's tokens are refused; data may remain until the deletion finishes. */
        DELETING,
        /** Nothing of the user remains but the marker. */
        DONE
    }

    /** The deletion marker of a user: when the deletion began, its state, and when it was last attempted. */
    record DeletionMarker(UserId user, Instant deletedAt, DeletionState state, Instant attemptedAt) {
    }

    /**
     * Writes the deletion marker of {@code user} (state {@code deleting}; a retry keeps the first
     * time) and lists the user as a pending deletion, in one transaction.
     */
    void markDeletion(UserId user, Instant at) {
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.update(u -> u.tableName(auth).key(Map.of("pk", s(DELETED + user.value())))
                            .updateExpression("SET deleted_at = if_not_exists(deleted_at, :t), #state = :deleting, attempted_at = :t")
                            .expressionAttributeNames(Map.of("#state", "state"))
                            .expressionAttributeValues(Map.of(":t", s(at.toString()), ":deleting", s("deleting")))),
                    t -> t.update(u -> u.tableName(auth).key(Map.of("pk", s(PENDING_DELETIONS)))
                            .updateExpression("ADD ids :id").expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(user.value())))))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + auth);
        }
    }

    /** Marks the deletion of {@code user} done and takes it off the pending list, in one transaction. */
    void finishDeletion(UserId user, Instant at) {
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.update(u -> u.tableName(auth).key(Map.of("pk", s(DELETED + user.value())))
                            .updateExpression("SET #state = :done, finished_at = :t")
                            .expressionAttributeNames(Map.of("#state", "state"))
                            .expressionAttributeValues(Map.of(":t", s(at.toString()), ":done", s("done")))),
                    t -> t.update(u -> u.tableName(auth).key(Map.of("pk", s(PENDING_DELETIONS)))
                            .updateExpression("DELETE ids :id").expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(user.value())))))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + auth);
        }
    }

    /**
     * A user's standing: deleted (a marker exists), disabled, and the session version every access
     * token must carry at least (0 until the first revocation).
     */
    record Standing(boolean deleted, boolean disabled, long sessionVersion) {
        static final Standing FRESH = new Standing(false, false, 0);
    }

    /** The standing of {@code user}: one consistent GetItem, the one authentication makes per (uncached) request. */
    Standing standing(UserId user) {
        return item(auth, Map.of("pk", s(DELETED + user.value()))).map(AccountStore::standingOf).orElse(Standing.FRESH);
    }

    /** Raises the session version of {@code user} by one (atomic ADD); returns the standing after. */
    Standing revokeTokens(UserId user) {
        return updateStanding(user, "ADD session_version :one", Map.of(":one", n(1)));
    }

    Standing setDisabled(UserId user, boolean disabled) {
        return updateStanding(user, "SET disabled = :d", Map.of(":d", AttributeValue.fromBool(disabled)));
    }

    private Standing updateStanding(UserId user, String expression, Map<String, AttributeValue> values) {
        try {
            return standingOf(dynamoDb.updateItem(b -> b.tableName(auth).key(Map.of("pk", s(DELETED + user.value())))
                    .updateExpression(expression).expressionAttributeValues(values)
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes());
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + auth);
        }
    }

    private static Standing standingOf(Map<String, AttributeValue> item) {
        return new Standing(item.containsKey("deleted_at"),
                item.containsKey("disabled") && Boolean.TRUE.equals(item.get("disabled").bool()),
                item.containsKey("session_version") ? Long.parseLong(item.get("session_version").n()) : 0);
    }

    Optional<DeletionMarker> deletionMarker(UserId user) {
        return item(auth, Map.of("pk", s(DELETED + user.value()))).filter(i -> i.containsKey("deleted_at")).map(i -> new DeletionMarker(user,
                instant(i, "deleted_at"), i.containsKey("state") && i.get("state").s().equals("done") ? DeletionState.DONE
                        // Markers written before deletions had a state carry none: finishing them again is harmless.
                        : DeletionState.DELETING,
                i.containsKey("attempted_at") ? instant(i, "attempted_at") : instant(i, "deleted_at")));
    }

    /** Every user whose deletion has begun and not finished (one GetItem). */
    List<UserId> pendingDeletions() {
        var ids = new ArrayList<UserId>();
        item(auth, Map.of("pk", s(PENDING_DELETIONS))).filter(i -> i.containsKey("ids"))
                .ifPresent(i -> i.get("ids").ss().forEach(id -> UserId.parse(id).ifPresent(ids::add)));
        return ids;
    }

    /** Takes {@code user} off the pending list (its marker says done, or is gone). */
    void dropPending(UserId user) {
        try {
            dynamoDb.updateItem(b -> b.tableName(auth).key(Map.of("pk", s(PENDING_DELETIONS))).updateExpression("DELETE ids :id")
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(user.value())))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + auth);
        }
    }

    /** How refresh tokens and service keys are stored: SHA-256, hex. */
    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(Map<String, AttributeValue> item, String attribute) {
        return item.containsKey(attribute) ? Instant.parse(item.get(attribute).s()) : Instant.EPOCH;
    }

    private void update(UserId userId, String expression, Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(b -> b.tableName(users).key(Map.of("user_id", s(userId.value()))).updateExpression(expression)
                    .conditionExpression("attribute_exists(user_id)").expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            throw new CofferException(ErrorCode.NOT_FOUND, "the account no longer exists");
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + users);
        }
    }

    private Optional<Map<String, AttributeValue>> item(String table, Map<String, AttributeValue> key) {
        return consistentItem(dynamoDb, table, key);
    }

    /** One item by key, read consistently: every auth read that decides something (admins' too). */
    static Optional<Map<String, AttributeValue>> consistentItem(DynamoDbClient dynamoDb, String table,
                                                                Map<String, AttributeValue> key) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(table).key(key).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetItem on " + table);
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
