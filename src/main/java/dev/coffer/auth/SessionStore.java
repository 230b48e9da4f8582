package dev.coffer.auth;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Refresh tokens in the auth table, kept so that every one of a user's can be found and deleted
 * without a Query, Scan or index (no schema change, no extra IAM action):
 *
 * <ul>
 *   <li>{@code refresh#<sha256>}: one token by its hash ({@code user_id}, {@code family},
 *       {@code issued_at}, {@code used}, {@code ttl}); the token itself is never stored.</li>
 *   <li>{@code family#<id>}: one session, i.e. the chain of tokens a login starts and each
 *       refresh extends: {@code user_id}, {@code tokens} (the hashes, oldest first, at most
 *       {@link Limits#keptTokens}), {@code revoked} once ended, {@code ttl}.</li>
 *   <li>{@code sessions#<user_id>}: the user's families, one attribute {@code f_<id>} each
 *       holding the epoch second it expires, a count {@code n}, and {@code closed} once the
 *       account is being deleted.</li>
 * </ul>
 *
 * Every write that adds a token changes the family's list (and a new family the user's list) in
 * the same transaction, with a condition that fails once the family is revoked or the user's list
 * closed. Ending a family revokes it first and deletes what the revoking update returned, so a
 * racing refresh either lands in that list or fails. Families written by older versions (no
 * {@code tokens}) are adopted into the lists at their next refresh.
 *
 * <p>Bounds: at most {@link Limits#maxSessions} families per user (a new login ends the ones
 * expired, else the one closest to expiry) and {@link Limits#keptTokens} tokens per family (a
 * refresh deletes the oldest used one): reuse of a token older than that answers 401 without
 * ending the family. Thread-safe.
 */
final class SessionStore {
    private static final String REFRESH = "refresh#";
    private static final String FAMILY = "family#";
    private static final String SESSIONS = "sessions#";
    private static final String ENTRY = "f_";
    private static final Map<String, String> NAMES_REVOKED_TOKENS = Map.of("#revoked", "revoked", "#tokens", "tokens");

    /** How many sessions a user may hold and how many used tokens a session keeps for reuse detection. */
    record Limits(int maxSessions, int keptTokens) {
        static final Limits DEFAULT = new Limits(100, 100);

        Limits {
            if (maxSessions < 1 || keptTokens < 2) {
                throw new IllegalArgumentException("at least one session and two tokens per session");
            }
        }
    }

    /** A refresh token as stored (by its hash). */
    record Session(String tokenHash, UserId userId, String family, long issuedAtMillis, long expiresAtSeconds, boolean used) {
    }

    /**
     * A family as stored: {@code listed} when it keeps its tokens' list (written by this version;
     * an older version's family has at most a {@code revoked} flag and is adopted at its next refresh).
     */
    record Family(String id, boolean revoked, boolean listed, List<String> tokens, long expiresAtSeconds) {
        Family {
            tokens = List.copyOf(tokens);
        }
    }

    /** What a refresh did. */
    enum Rotation {
        ROTATED,
        /** The presented token was used already: someone replayed it. */
        REUSED,
        /** The family was revoked or the account is being deleted meanwhile. */
        REFUSED
    }

    private final DynamoDbClient dynamoDb;
    private final String auth;
    private final Limits limits;

    SessionStore(DynamoDbClient dynamoDb, String usersTable, Limits limits) {
        this.dynamoDb = dynamoDb;
        this.auth = AccountStore.authTable(usersTable);
        this.limits = limits;
    }

    /**
     * Stores the first token of a new family and lists the family under its user. At the session
     * limit, ends the user's expired sessions (else the one closest to expiry) and tries once more.
     *
     * @param nowSeconds the current epoch second (which sessions have expired)
     * @throws CofferException {@code unauthorized} when the account is being deleted
     */
    void start(Session first, long nowSeconds) {
        for (int attempt = 0; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(b -> b.transactItems(
                        put(sessionItem(first), "attribute_not_exists(pk)"),
                        put(familyItem(first.family(), first.userId(), List.of(first.tokenHash()), first.expiresAtSeconds()),
                                "attribute_not_exists(pk)"),
                        TransactWriteItem.builder().update(u -> u.tableName(auth).key(key(SESSIONS + first.userId().value()))
                                .updateExpression("SET #e = :exp ADD #n :one")
                                .conditionExpression("attribute_not_exists(#closed) AND (attribute_not_exists(#n) OR #n < :max)")
                                .expressionAttributeNames(Map.of("#e", ENTRY + first.family(), "#n", "n", "#closed", "closed"))
                                .expressionAttributeValues(Map.of(":exp", n(first.expiresAtSeconds()), ":one", n(1),
                                        ":max", n(limits.maxSessions())))).build()));
                return;
            } catch (TransactionCanceledException e) {
                if (!failedCondition(e, 2) || attempt > 0) {
                    throw new CofferException(ErrorCode.CONFLICT, "the session collided with another write; retry", null,
                            Duration.ofSeconds(1), e);
                }
                Index index = index(first.userId());
                if (index.closed()) {
                    throw new CofferException(ErrorCode.UNAUTHORIZED, "the account was deleted");
                }
                evict(first.userId(), index, nowSeconds);
            } catch (SdkException e) {
                throw AwsErrors.translate(e, "TransactWriteItems on " + auth);
            }
        }
    }

    Optional<Session> session(String tokenHash) {
        return item(key(REFRESH + tokenHash)).map(i -> new Session(tokenHash, new UserId(i.get("user_id").s()),
                i.get("family").s(), Long.parseLong(i.get("issued_at").n()), Long.parseLong(i.get("ttl").n()),
                i.get("used").bool()));
    }

    Family family(String id) {
        return item(key(FAMILY + id)).map(i -> family(id, i))
                .orElseGet(() -> new Family(id, false, false, List.of(), 0));
    }

    /**
     * Marks {@code old} used and stores {@code next}, in one transaction with the family's list
     * (which drops, and deletes, its oldest tokens beyond the limit) and the user's list.
     */
    Rotation rotate(Session old, Family family, Session next) {
        var items = new ArrayList<TransactWriteItem>();
        items.add(TransactWriteItem.builder().update(u -> u.tableName(auth).key(key(REFRESH + old.tokenHash()))
                .updateExpression("SET #used = :t").conditionExpression("#used = :f").expressionAttributeNames(Map.of("#used", "used"))
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":f", AttributeValue.fromBool(false)))).build());
        items.add(put(sessionItem(next), "attribute_not_exists(pk)"));
        String entry = ENTRY + family.id();
        if (family.listed()) {
            var tokens = new ArrayList<>(family.tokens());
            tokens.add(next.tokenHash());
            var dropped = new ArrayList<String>();
            while (tokens.size() > limits.keptTokens() && !tokens.get(0).equals(old.tokenHash())) {
                dropped.add(tokens.remove(0));
            }
            long expires = Math.max(family.expiresAtSeconds(), next.expiresAtSeconds());
            items.add(TransactWriteItem.builder().update(u -> u.tableName(auth).key(key(FAMILY + family.id()))
                    .updateExpression("SET #tokens = :tokens, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#revoked) AND size(#tokens) = :size")
                    .expressionAttributeNames(Map.of("#ttl", "ttl", "#tokens", "tokens", "#revoked", "revoked"))
                    .expressionAttributeValues(Map.of(":tokens", list(tokens), ":ttl", n(expires), ":size", n(family.tokens().size()))))
                    .build());
            dropped.forEach(hash -> items.add(TransactWriteItem.builder().delete(d -> d.tableName(auth).key(key(REFRESH + hash))).build()));
            items.add(TransactWriteItem.builder().update(u -> u.tableName(auth).key(key(SESSIONS + old.userId().value()))
                    .updateExpression("SET #e = :exp").conditionExpression("attribute_exists(#e) AND attribute_not_exists(#closed)")
                    .expressionAttributeNames(Map.of("#e", entry, "#closed", "closed")).expressionAttributeValues(Map.of(":exp", n(expires)))).build());
        } else {
            // A family of an older version: from now on listed like any other.
            items.add(put(familyItem(family.id(), old.userId(), List.of(old.tokenHash(), next.tokenHash()), next.expiresAtSeconds()),
                    "attribute_not_exists(pk)"));
            items.add(TransactWriteItem.builder().update(u -> u.tableName(auth).key(key(SESSIONS + old.userId().value()))
                    .updateExpression("SET #e = :exp ADD #n :one").conditionExpression("attribute_not_exists(#closed)")
                    .expressionAttributeNames(Map.of("#e", entry, "#n", "n", "#closed", "closed"))
                    .expressionAttributeValues(Map.of(":exp", n(next.expiresAtSeconds()), ":one", n(1)))).build());
        }
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(items));
            return Rotation.ROTATED;
        } catch (TransactionCanceledException e) {
            return failedCondition(e, 0) ? Rotation.REUSED : Rotation.REFUSED;
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + auth);
        }
    }

    /**
     * Ends a family: no token of it refreshes again. A listed family keeps its list (account
     * deletion still finds its tokens); an older version's gets a revocation item, as before.
     */
    void revoke(Family family, long ttlSeconds) {
        try {
            if (family.listed()) {
                // Only while it exists: an account deletion may have removed it meanwhile.
                dynamoDb.updateItem(b -> b.tableName(auth).key(key(FAMILY + family.id())).updateExpression("SET #revoked = :t")
                        .conditionExpression("attribute_exists(#tokens)").expressionAttributeNames(NAMES_REVOKED_TOKENS)
                        .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
            } else {
                dynamoDb.updateItem(b -> b.tableName(auth).key(key(FAMILY + family.id()))
                        .updateExpression("SET #revoked = :t, #ttl = if_not_exists(#ttl, :ttl)")
                        .expressionAttributeNames(Map.of("#revoked", "revoked", "#ttl", "ttl"))
                        .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":ttl", n(ttlSeconds))));
            }
        } catch (ConditionalCheckFailedException gone) {
            // the family was deleted with its account: nothing left to revoke
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + auth);
        }
    }

    /**
     * Deletes every listed session of {@code user}: closes the user's list (no login or adoption
     * adds to it from then on), ends each family and deletes its tokens, then the list itself.
     * Idempotent: a retry finds what is left in the list.
     */
    void endAll(UserId user) {
        Map<String, AttributeValue> closed;
        try {
            closed = dynamoDb.updateItem(b -> b.tableName(auth).key(key(SESSIONS + user.value())).updateExpression("SET #closed = :t")
                    .expressionAttributeNames(Map.of("#closed", "closed")).expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))).returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + auth);
        }
        for (String family : index(closed).expiries().keySet()) {
            endFamily(user, family);
        }
        delete(key(SESSIONS + user.value()));
    }

    /** The families of a user as listed (tests and eviction). */
    Index index(UserId user) {
        return index(item(key(SESSIONS + user.value())).orElse(Map.of()));
    }

    /** A user's list of families: each family's expiry (epoch seconds), and whether the list is closed. */
    record Index(Map<String, Long> expiries, boolean closed) {
    }

    private static Index index(Map<String, AttributeValue> item) {
        var expiries = new LinkedHashMap<String, Long>();
        item.forEach((name, value) -> {
            if (name.startsWith(ENTRY)) {
                expiries.put(name.substring(ENTRY.length()), Long.parseLong(value.n()));
            }
        });
        return new Index(expiries, item.containsKey("closed") && Boolean.TRUE.equals(item.get("closed").bool()));
    }

    /** Ends the user's expired sessions, or when none has expired the one closest to expiry. */
    private void evict(UserId user, Index index, long nowSeconds) {
        List<String> expired = index.expiries().entrySet().stream().filter(e -> e.getValue() <= nowSeconds).map(Map.Entry::getKey).toList();
        if (!expired.isEmpty()) {
            expired.forEach(family -> endFamily(user, family));
            return;
        }
        index.expiries().entrySet().stream().min(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .ifPresent(oldest -> endFamily(user, oldest.getKey()));
    }

    /** Revokes the family (its list comes back atomically), deletes its tokens and itself, and unlists it. */
    private void endFamily(UserId user, String family) {
        Optional<Map<String, AttributeValue>> revoked;
        try {
            revoked = Optional.of(dynamoDb.updateItem(b -> b.tableName(auth).key(key(FAMILY + family)).updateExpression("SET #revoked = :t")
                    .conditionExpression("attribute_exists(pk)").expressionAttributeNames(Map.of("#revoked", "revoked")).expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes());
        } catch (ConditionalCheckFailedException gone) {
            revoked = Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + auth);
        }
        revoked.map(i -> family(family, i).tokens()).orElse(List.of()).forEach(hash -> delete(key(REFRESH + hash)));
        delete(key(FAMILY + family));
        try {
            dynamoDb.updateItem(b -> b.tableName(auth).key(key(SESSIONS + user.value())).updateExpression("REMOVE #e ADD #n :minus")
                    .conditionExpression("attribute_exists(#e)").expressionAttributeNames(Map.of("#e", ENTRY + family, "#n", "n"))
                    .expressionAttributeValues(Map.of(":minus", n(-1))));
        } catch (ConditionalCheckFailedException unlisted) {
            // ended by someone else meanwhile
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "UpdateItem on " + auth);
        }
    }

    private static Family family(String id, Map<String, AttributeValue> item) {
        boolean listed = item.containsKey("tokens");
        List<String> tokens = listed ? item.get("tokens").l().stream().map(AttributeValue::s).toList() : List.of();
        return new Family(id, item.containsKey("revoked") && Boolean.TRUE.equals(item.get("revoked").bool()), listed, tokens,
                item.containsKey("ttl") ? Long.parseLong(item.get("ttl").n()) : 0);
    }

    private static boolean failedCondition(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private Map<String, AttributeValue> sessionItem(Session s) {
        return Map.of("pk", s(REFRESH + s.tokenHash()), "user_id", s(s.userId().value()), "family", s(s.family()),
                "issued_at", n(s.issuedAtMillis()), "ttl", n(s.expiresAtSeconds()), "used", AttributeValue.fromBool(s.used()));
    }

    private static Map<String, AttributeValue> familyItem(String family, UserId user, List<String> tokens, long expiresAtSeconds) {
        return Map.of("pk", s(FAMILY + family), "user_id", s(user.value()), "tokens", list(tokens), "ttl", n(expiresAtSeconds));
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        Consumer<software.amazon.awssdk.services.dynamodb.model.Put.Builder> put = p -> p.tableName(auth).item(item)
                .conditionExpression(condition);
        return TransactWriteItem.builder().put(put).build();
    }

    private void delete(Map<String, AttributeValue> key) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(auth).key(key));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DeleteItem on " + auth);
        }
    }

    private Optional<Map<String, AttributeValue>> item(Map<String, AttributeValue> key) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(auth).key(key).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetItem on " + auth);
        }
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", s(pk));
    }

    private static AttributeValue list(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
