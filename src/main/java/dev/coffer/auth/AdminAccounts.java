package dev.coffer.auth;

import dev.coffer.aws.AwsErrors;
import dev.coffer.config.AuthConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.Admin;
import dev.coffer.identity.AdminAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Console admins, apart from app users: their own items in the auth table, never a users row, so
 * an admin owns no data and no app login finds one.
 *
 * <ul>
 *   <li>{@code admin#<email key>}: one admin ({@code admin_id}, {@code email}, argon2id
 *       {@code password_hash}, {@code created_at}).</li>
 *   <li>{@value #ALL}: the string set {@code ids} of every admin, written in the same transaction,
 *       so "is there any admin?" is one GetItem (the console shows how to create one when not).</li>
 *   <li>{@code adminsession#<sha256 of the token>}: a console session ({@code admin_id},
 *       {@code email}, {@code expires_at}, {@code ttl}); the token itself is never stored.</li>
 * </ul>
 *
 * Login does the same work for an unknown address as for a wrong password (one hash check) and
 * answers to the same failure limits as user login, counted apart. Thread-safe.
 */
public final class AdminAccounts implements AdminAuthenticator {
    /** How long a console session lasts; logging in again starts a new one. */
    public static final Duration SESSION_LIFETIME = Duration.ofHours(8);
    static final String ALL = "admins#all";
    private static final String ADMIN = "admin#";
    private static final String SESSION = "adminsession#";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final PasswordHasher hasher;
    private final LoginLimiter limiter;
    private final AuthConfig config;
    private final Clock clock;
    private String dummyHash;

    AdminAccounts(DynamoDbClient dynamoDb, String usersTable, PasswordHasher hasher, AuthConfig config, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = AccountStore.authTable(usersTable);
        this.hasher = hasher;
        this.config = config;
        this.clock = clock;
        // The same limits as user login, in a limiter of its own: a user's failures never lock an admin out.
        this.limiter = new LoginLimiter(dynamoDb, table, LoginLimiter.ADMINS, config.loginMaxFailures(),
                config.loginFailureWindow(), clock);
    }

    /** For {@code coffer admin create}: the admin accounts of a configuration's auth table. */
    public static AdminAccounts open(dev.coffer.config.CofferConfig config, DynamoDbClient dynamoDb, Clock clock) {
        return new AdminAccounts(dynamoDb, config.storage().usersTable(), new Argon2Hasher(config.auth()), config.auth(), clock);
    }

    /** A new console session: the cookie's token, the CSRF token its writes must repeat, and who it is. */
    public record NewSession(String token, String csrfToken, Admin admin, Instant expiresAt) {
        @Override
        public String toString() {
            return "NewSession[" + admin.id() + "]";
        }
    }

    /**
     * Creates an admin with the same password rules as app accounts.
     *
     * @throws CofferException {@code conflict} when an admin with this address exists,
     *                         {@code validation_failed} naming the field for a bad address or password
     */
    public Admin create(String rawEmail, String password) {
        EmailAddress email = EmailAddress.parse(rawEmail);
        PasswordPolicy.check(password, config);
        Admin admin = new Admin(UUID.randomUUID().toString(), email.typed());
        Map<String, AttributeValue> item = Map.of("pk", s(ADMIN + email.key()), "admin_id", s(admin.id()),
                "email", s(admin.email()), "password_hash", s(hasher.hash(password)),
                "created_at", s(clock.instant().truncatedTo(ChronoUnit.MILLIS).toString()));
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")),
                    t -> t.update(u -> u.tableName(table).key(Map.of("pk", s(ALL))).updateExpression("ADD ids :id")
                            .expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(admin.id())))))));
        } catch (TransactionCanceledException e) {
            throw new CofferException(ErrorCode.CONFLICT, "an admin with this email exists already");
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "TransactWriteItems on " + table);
        }
        return admin;
    }

    /** Whether at least one admin exists (one GetItem). */
    public boolean anyAdmin() {
        return item(Map.of("pk", s(ALL))).map(i -> i.containsKey("ids") && !i.get("ids").ss().isEmpty()).orElse(false);
    }

    /**
     * Checks the password and starts a session.
     *
     * @throws CofferException {@code unauthorized} for a wrong address or password (alike),
     *                         {@code rate_limited} past the failure limit
     */
    public NewSession login(String rawEmail, String password, String clientAddress) {
        EmailAddress email = EmailAddress.parse(rawEmail);
        Optional<Duration> wait = limiter.blocked(email.key(), clientAddress);
        if (wait.isPresent()) {
            throw new CofferException(ErrorCode.RATE_LIMITED, "too many failed admin logins; try again later", null,
                    wait.get().plusSeconds(1), null);
        }
        Optional<Map<String, AttributeValue>> found = item(Map.of("pk", s(ADMIN + email.key())));
        String hash = found.map(i -> i.get("password_hash").s()).orElseGet(this::dummyHash);
        boolean valid = hasher.verify(password == null ? "" : password, hash) && found.isPresent();
        if (!valid) {
            limiter.failed(email.key(), clientAddress);
            throw new CofferException(ErrorCode.UNAUTHORIZED, "wrong admin email or password");
        }
        limiter.succeeded(email.key());
        Admin admin = new Admin(found.get().get("admin_id").s(), found.get().get("email").s());
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = "as_" + BASE64.encodeToString(random);
        Instant expires = clock.instant().plus(SESSION_LIFETIME);
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(Map.of("pk", s(SESSION + AccountStore.sha256(token)),
                    "admin_id", s(admin.id()), "email", s(admin.email()),
                    "expires_at", n(expires.getEpochSecond()), "ttl", n(expires.getEpochSecond()))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "PutItem on " + table);
        }
        return new NewSession(token, csrfTokenOf(token), admin, expires);
    }

    /** Ends the session named by {@code token}, if any. */
    public void logout(String token) {
        if (token == null || token.isEmpty() || token.length() > 512) {
            return;
        }
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(SESSION + AccountStore.sha256(token)))));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DeleteItem on " + table);
        }
    }

    @Override
    public Optional<AdminSession> session(String token) {
        return item(Map.of("pk", s(SESSION + AccountStore.sha256(token))))
                // DynamoDB removes expired items only eventually: the time is checked here.
                .filter(i -> Long.parseLong(i.get("expires_at").n()) > clock.instant().getEpochSecond())
                .map(i -> new AdminSession(new Admin(i.get("admin_id").s(), i.get("email").s()), csrfTokenOf(token)));
    }

    /**
     * The CSRF token of a session: derived from the session's secret token, so it needs no storage
     * and no one without the cookie's value can make it.
     */
    static String csrfTokenOf(String sessionToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("coffer-csrf:" + sessionToken).getBytes(StandardCharsets.UTF_8));
            return BASE64.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verified against when the address is unknown, so both failures cost one hash; made on first need. */
    private synchronized String dummyHash() {
        if (dummyHash == null) {
            dummyHash = hasher.hash("coffer-admin-dummy-" + UUID.randomUUID());
        }
        return dummyHash;
    }

    private Optional<Map<String, AttributeValue>> item(Map<String, AttributeValue> key) {
        return AccountStore.consistentItem(dynamoDb, table, key);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
