package dev.coffer.auth;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import dev.coffer.schema.TableSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Users and sessions in DynamoDB. The users table keeps the layout apps already use (partition
 * key {@code user_id}, GSI {@code email-index} on {@code email}); a second table
 * ({@code <users_table>-auth}, partition key {@code pk}, TTL on {@code ttl}) keeps what must be
 * unique or secret-derived: one {@code email#<email>} item per address, written in the same
 * transaction as the user (so exactly one of any number of racing registrations wins), and
 * refresh tokens by their SHA-256 only, and a {@code deleted#<user_id>} marker for every deleted
 * account, kept so that no token or service key can write for that user again.
 */
final class AccountStore {
    private static final String DELETED = "deleted#";
    private final DynamoDbClient dynamoDb;
    private final String users;
    private final String auth;

    AccountStore(DynamoDbClient dynamoDb, String usersTable) {
        this.dynamoDb = dynamoDb;
        this.users = usersTable;
        this.auth = usersTable + "-auth";
    }

    /**
     * What this store calls on both of its tables: single-item reads and writes, directly or as
     * parts of a TransactWriteItems (which IAM authorises by its parts). No Query, no batch.
     */
    static final List<String> ITEM_ACTIONS = List.of("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem");

    /**
     * The users table keeps its email-index for apps that read the table themselves; Coffer finds
     * an email through its {@code email#} item instead, so the runtime policy grants no Query on it.
     */
    static List<TableSpec> tables(String usersTable) {
        var userId = new TableSpec.KeyAttribute("user_id", TableSpec.KeyType.S);
        var usersSpec = new TableSpec(usersTable, userId, Optional.empty(), List.of(new TableSpec.IndexSpec("email-index", true,
                new TableSpec.KeyAttribute("email", TableSpec.KeyType.S), Optional.empty(), false)), Optional.empty(), ITEM_ACTIONS);
        var authSpec = new TableSpec(usersTable + "-auth", new TableSpec.KeyAttribute("pk", TableSpec.KeyType.S),
                Optional.empty(), List.of(), Optional.of("ttl"), ITEM_ACTIONS);
        return List.of(usersSpec, authSpec);
    }

    /** False when the email is taken (the transaction's condition on the email item failed). */
    boolean create(Account account) {
        Map<String, AttributeValue> user = Map.of("user_id", s(account.userId().value()), "email", s(account.email()),
                "full_name", s(account.fullName()), "password_hash", s(account.passwordHash()), "created_at", s(account.createdAt()),
                "updated_at", s(account.createdAt()), "sessions_valid_after", n(account.sessionsValidAfterMillis()));
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.put(p -> p.tableName(users).item(user).conditionExpression("attribute_not_exists(user_id)")),
                    t -> t.put(p -> p.tableName(auth).item(Map.of("pk", s("email#" + account.email()), "user_id", s(account.userId().value())))
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

    Optional<Account> byEmail(String email) {
        return item(auth, Map.of("pk", s("email#" + email))).map(i -> new UserId(i.get("user_id").s())).flatMap(this::byId);
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

    void delete(Account account) {
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.delete(d -> d.tableName(auth).key(Map.of("pk", s("email#" + account.email())))),
                    t -> t.delete(d -> d.tableName(users).key(Map.of("user_id", s(account.userId().value()))))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + users);
        }
    }

    /** Writes the deletion marker of {@code user} (idempotent: a retry keeps the first time). */
    void markDeletion(UserId user, java.time.Instant at) {
        try {
            dynamoDb.updateItem(b -> b.tableName(auth).key(Map.of("pk", s(DELETED + user.value())))
                    .updateExpression("SET deleted_at = if_not_exists(deleted_at, :t)")
                    .expressionAttributeValues(Map.of(":t", s(at.toString()))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + auth);
        }
    }

    boolean deletionMarked(UserId user) {
        return item(auth, Map.of("pk", s(DELETED + user.value()))).isPresent();
    }

    /** A refresh token as stored (by its hash). */
    record Session(String tokenHash, UserId userId, String family, long issuedAtMillis, long expiresAtSeconds, boolean used) {
    }

    void putSession(Session session) {
        try {
            dynamoDb.putItem(b -> b.tableName(auth).item(sessionItem(session)));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "PutItem on " + auth);
        }
    }

    Optional<Session> session(String tokenHash) {
        return item(auth, Map.of("pk", s("refresh#" + tokenHash))).map(i -> new Session(tokenHash, new UserId(i.get("user_id").s()),
                i.get("family").s(), Long.parseLong(i.get("issued_at").n()), Long.parseLong(i.get("ttl").n()),
                i.get("used").bool()));
    }

    /** Marks {@code old} used and stores {@code next} atomically; false when {@code old} was used already. */
    boolean rotate(Session old, Session next) {
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.update(u -> u.tableName(auth).key(Map.of("pk", s("refresh#" + old.tokenHash())))
                            .updateExpression("SET used = :t").conditionExpression("used = :f")
                            .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":f", AttributeValue.fromBool(false)))),
                    t -> t.put(p -> p.tableName(auth).item(sessionItem(next)))));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + auth);
        }
    }

    void revokeFamily(String family, long ttlSeconds) {
        try {
            dynamoDb.putItem(b -> b.tableName(auth).item(Map.of("pk", s("family#" + family), "revoked", AttributeValue.fromBool(true),
                    "ttl", n(ttlSeconds))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "PutItem on " + auth);
        }
    }

    boolean familyRevoked(String family) {
        return item(auth, Map.of("pk", s("family#" + family))).isPresent();
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, AttributeValue> sessionItem(Session s) {
        return Map.of("pk", s("refresh#" + s.tokenHash()), "user_id", s(s.userId().value()), "family", s(s.family()),
                "issued_at", n(s.issuedAtMillis()), "ttl", n(s.expiresAtSeconds()), "used", AttributeValue.fromBool(s.used()));
    }

    private void update(UserId userId, String expression, Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(b -> b.tableName(users).key(Map.of("user_id", s(userId.value()))).updateExpression(expression)
                    .conditionExpression("attribute_exists(user_id)").expressionAttributeValues(values));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            throw new CofferException(ErrorCode.NOT_FOUND, "the account no longer exists");
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + users);
        }
    }

    private Optional<Map<String, AttributeValue>> item(String table, Map<String, AttributeValue> key) {
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
