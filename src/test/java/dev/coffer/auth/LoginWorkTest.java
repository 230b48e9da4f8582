package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.config.CofferConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.provision.Provisioner;
import dev.coffer.support.Secret;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Login does the same work whatever the address: counted in hash verifications and in DynamoDB
 * calls per operation and table (through an SDK interceptor on the real client), never timed.
 */
@ExtendWith(SharedEmbeddedServers.class)
class LoginWorkTest {

    /** Real argon2id with the production parameters, counting each verification. */
    static final class CountingHasher implements PasswordHasher {
        final AtomicInteger verifications = new AtomicInteger();
        private final PasswordHasher real;

        CountingHasher(PasswordHasher real) {
            this.real = real;
        }

        @Override
        public String hash(String password) {
            return real.hash(password);
        }

        @Override
        public boolean verify(String password, String hash) {
            verifications.incrementAndGet();
            return real.verify(password, hash);
        }
    }

    /** Counts every DynamoDB call the client makes, as "Operation table-role" (users or auth). */
    static final class CallCounter implements ExecutionInterceptor {
        private final Map<String, Integer> calls = new TreeMap<>();
        private final String usersTable;

        CallCounter(String usersTable) {
            this.usersTable = usersTable;
        }

        @Override
        public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String table = context.request().getValueForField("TableName", String.class).orElse("?");
            calls.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " "
                    + (table.equals(usersTable) ? "users" : table.equals(usersTable + "-auth") ? "auth" : table), 1, Integer::sum);
        }

        /** The calls since the last take, and a fresh count. */
        synchronized Map<String, Integer> take() {
            var taken = Map.copyOf(calls);
            calls.clear();
            return taken;
        }
    }

    @Test
    void knownUnknownAndOldStyleEmails_sameHashesAndSameDynamoDbCalls(EmbeddedServers stack) {
        CofferConfig config = TestCoffer.config("", Map.of("COFFER_AUTH_ARGON2_MEMORY_KIB", "19456", "COFFER_AUTH_ARGON2_ITERATIONS", "2"));
        String usersTable = config.storage().usersTable();
        var counter = new CallCounter(usersTable);
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY))
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build()) {
            var provisioner = new Provisioner(dynamoDb, null, "us-east-1", Provisioner.BucketSecurity.SKIP);
            AccountStore.tables(usersTable).forEach(provisioner::ensureTable);
            var hasher = new CountingHasher(new Argon2Hasher(config.auth()));
            var clock = MutableClock.atNow();
            var store = new AccountStore(dynamoDb, usersTable);
            var service = service(dynamoDb, store, hasher, config, clock);
            service.register("Known@Example.com", "right-password", "K");
            // The production parameters, in a self-describing hash that can be re-parameterised later.
            assertThat(store.byEmail(EmailAddress.parse("known@example.com")).account().orElseThrow().passwordHash())
                    .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
            // An account as an older Coffer registered it: its email item keyed with the local part's case kept.
            UserId legacy = oldStyleAccount(dynamoDb, usersTable, "Old.Timer@example.com", hasher.hash("old-password"));
            counter.take();
            hasher.verifications.set(0);

            var work = new TreeMap<String, Map<String, Integer>>();
            for (String email : List.of("Known@Example.com", "known@example.com", "stranger@example.com", "Old.Timer@example.com",
                    "old.timer@example.com")) {
                assertThatThrownBy(() -> service.login(email, "wrong-password", "10.0.0.2")).hasMessage("wrong email or password");
                work.put(email + " hashes", Map.of("verify", hasher.verifications.getAndSet(0)));
                work.put(email, counter.take());
            }

            // Two email items and a users row; the email's and the address's shared failure counters
            // read (are they over the limit?) and bumped: the same for every kind of address.
            Map<String, Integer> expected = Map.of("GetItem auth", 4, "GetItem users", 1, "UpdateItem auth", 2);
            assertThat(work).containsEntry("Known@Example.com", expected).containsEntry("known@example.com", expected)
                    .containsEntry("stranger@example.com", expected).containsEntry("Old.Timer@example.com", expected)
                    .containsEntry("old.timer@example.com", expected);
            assertThat(work).allSatisfy((name, counts) -> {
                if (name.endsWith(" hashes")) {
                    assertThat(counts).containsExactly(Map.entry("verify", 1));
                }
            });

            // Any case finds a new account; an old one is found by its exact address, and after
            // that first login by any case too.
            assertThat(service.login("KNOWN@example.COM", "right-password", "10.0.0.4").accessToken()).isNotBlank();
            assertThatThrownBy(() -> service.login("OLD.TIMER@example.com", "old-password", "10.0.0.5"))
                    .hasMessage("wrong email or password");
            assertThat(service.login("Old.Timer@example.com", "old-password", "10.0.0.6").accessToken()).isNotBlank();
            assertThat(service.login("OLD.TIMER@example.com", "old-password", "10.0.0.7").accessToken()).isNotBlank();
            assertThat(store.byEmail(EmailAddress.parse("old.timer@EXAMPLE.com")).account().orElseThrow().userId()).isEqualTo(legacy);
        }
    }

    @Test
    void loginValidatesTheEmailLikeRegistration_beforeAnyDynamoDbCall(EmbeddedServers stack) {
        CofferConfig config = TestCoffer.config("", Map.of());
        var counter = new CallCounter(config.storage().usersTable());
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY))
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build()) {
            var store = new AccountStore(dynamoDb, config.storage().usersTable());
            var service = service(dynamoDb, store, new Argon2Hasher(config.auth()), config, MutableClock.atNow());
            counter.take();
            for (String bad : new String[] {"a".repeat(250) + "@example.com", "not-an-email", "zero\u200bwidth@example.com",
                "", "bidi\u202e@example.com"}) {
                assertThatThrownBy(() -> service.login(bad, "whatever-password", "10.0.0.9"))
                        .isInstanceOfSatisfying(CofferException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                            assertThat(e.detail()).startsWith("'email' ");
                        });
            }
            assertThatThrownBy(() -> service.login(null, "whatever-password", "10.0.0.9")).hasMessage("'email' is required");
            assertThat(counter.take()).isEmpty();
        }
    }

    static AuthService service(DynamoDbClient dynamoDb, AccountStore store, PasswordHasher hasher, CofferConfig config, MutableClock clock) {
        var sessions = new SessionStore(dynamoDb, config.storage().usersTable(), SessionStore.Limits.DEFAULT);
        var standing = new AccountStanding(store, clock);
        var deletions = new AccountDeletions(store, sessions, standing, List::of, clock);
        return new AuthService(store, sessions, deletions, standing, hasher,
                new AccessTokens(Secret.of("login-work-test-signing-key-0123456789ab"), Duration.ofMinutes(15), clock),
                config.auth(), clock);
    }

    /** Writes a user as Coffer before case-insensitive keys did: no email_key, email item under the typed local part. */
    static UserId oldStyleAccount(DynamoDbClient dynamoDb, String usersTable, String email, String passwordHash) {
        UserId id = new UserId(UUID.randomUUID().toString());
        dynamoDb.putItem(b -> b.tableName(usersTable).item(Map.of("user_id", AttributeValue.fromS(id.value()),
                "email", AttributeValue.fromS(email), "full_name", AttributeValue.fromS("Old"), "password_hash", AttributeValue.fromS(passwordHash),
                "created_at", AttributeValue.fromS("2025-01-01T00:00:00Z"), "updated_at", AttributeValue.fromS("2025-01-01T00:00:00Z"),
                "sessions_valid_after", AttributeValue.fromN("0"))));
        dynamoDb.putItem(b -> b.tableName(usersTable + "-auth").item(Map.of("pk", AttributeValue.fromS("email#" + email),
                "user_id", AttributeValue.fromS(id.value()))));
        return id;
    }
}
