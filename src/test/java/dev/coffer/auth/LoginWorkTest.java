package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.config.CofferConfig;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.provision.Provisioner;
import dev.coffer.support.Secret;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Unknown email and wrong password cost the same: counted in hash verifications, not timed. */
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

    @Test
    void unknownEmailAndWrongPassword_oneVerificationEach(EmbeddedServers stack) {
        CofferConfig config = TestCoffer.config("", Map.of("COFFER_AUTH_ARGON2_MEMORY_KIB", "19456", "COFFER_AUTH_ARGON2_ITERATIONS", "2"));
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY)).build()) {
            var provisioner = new Provisioner(dynamoDb, null, "us-east-1", Provisioner.BucketSecurity.SKIP);
            AccountStore.tables(config.storage().usersTable()).forEach(provisioner::ensureTable);
            var hasher = new CountingHasher(new Argon2Hasher(config.auth()));
            var clock = MutableClock.atNow();
            var store = new AccountStore(dynamoDb, config.storage().usersTable());
            var service = new AuthService(store, new DeletedUsers(store, clock), hasher,
                    new AccessTokens(Secret.of("login-work-test-signing-key-0123456789ab"), Duration.ofMinutes(15), clock),
                    config.auth(), List::of, clock);
            service.register("known@example.com", "right-password", "K");
            // The production parameters, in a self-describing hash that can be re-parameterised later.
            assertThat(store.byEmail("known@example.com").orElseThrow().passwordHash()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

            hasher.verifications.set(0);
            assertThatThrownBy(() -> service.login("known@example.com", "wrong-password", "10.0.0.2")).hasMessage("wrong email or password");
            int wrongPassword = hasher.verifications.getAndSet(0);
            assertThatThrownBy(() -> service.login("stranger@example.com", "wrong-password", "10.0.0.3")).hasMessage("wrong email or password");
            int unknownEmail = hasher.verifications.getAndSet(0);

            assertThat(wrongPassword).isEqualTo(1);
            assertThat(unknownEmail).isEqualTo(1);
            assertThat(service.login("known@example.com", "right-password", "10.0.0.4").accessToken()).isNotBlank();
            assertThat(hasher.verifications.get()).isEqualTo(1);
        }
    }
}
