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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Sessions stay findable by user and bounded: at most N per user, at most K tokens per session,
 * sessions of older versions adopted at their next refresh, nothing added once the user's list is
 * closed by an account deletion. Small limits (3 and 3) make the bounds cheap to reach.
 */
@ExtendWith(SharedEmbeddedServers.class)
class SessionStoreTest {
    private static final String PASSWORD = "session-password";
    private DynamoDbClient dynamoDb;
    private String users;
    private MutableClock clock;
    private AccountStore accounts;
    private SessionStore sessions;
    private AuthService service;

    @BeforeEach
    void setUp(EmbeddedServers stack) {
        CofferConfig config = TestCoffer.config("", Map.of());
        users = config.storage().usersTable();
        dynamoDb = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY)).build();
        var provisioner = new Provisioner(dynamoDb, null, "us-east-1", Provisioner.BucketSecurity.SKIP);
        AccountStore.tables(users).forEach(provisioner::ensureTable);
        clock = MutableClock.atNow();
        accounts = new AccountStore(dynamoDb, users);
        sessions = new SessionStore(dynamoDb, users, new SessionStore.Limits(3, 3));
        var standing = new AccountStanding(accounts, clock);
        var deletions = new AccountDeletions(accounts, sessions, standing, List::of, clock);
        service = new AuthService(accounts, sessions, deletions, standing, new Argon2Hasher(config.auth()),
                new AccessTokens(Secret.of("session-store-test-signing-key-0123456789"), Duration.ofMinutes(15), clock),
                config.auth(), clock);
    }

    @AfterEach
    void tearDown() {
        dynamoDb.close();
    }

    @Test
    void fourthLogin_endsTheSessionClosestToExpiry_andKeepsThreeListed() {
        UserId user = service.register("many.devices@example.com", PASSWORD, "M").userId();
        var refreshTokens = new java.util.ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            refreshTokens.add(service.login("many.devices@example.com", PASSWORD, "10.0.0.1").refreshToken());
            clock.advance(Duration.ofMinutes(1));
        }
        // The first session was refreshed last, so the second is now the one closest to expiry.
        refreshTokens.set(0, service.refresh(refreshTokens.get(0)).refreshToken());
        clock.advance(Duration.ofMinutes(1));

        String fourth = service.login("many.devices@example.com", PASSWORD, "10.0.0.1").refreshToken();

        assertThat(sessions.index(user).expiries()).hasSize(3);
        assertThatThrownBy(() -> service.refresh(refreshTokens.get(1))).hasMessage("the refresh token is not valid; log in again");
        assertThat(service.refresh(refreshTokens.get(0)).refreshToken()).isNotBlank();
        assertThat(service.refresh(refreshTokens.get(2)).refreshToken()).isNotBlank();
        assertThat(service.refresh(fourth).refreshToken()).isNotBlank();
        assertThat(itemsOf(user, "family#")).hasSize(3);
    }

    @Test
    void expiredSessions_endedFirst_whenTheLimitIsReached() {
        UserId user = service.register("expired.sessions@example.com", PASSWORD, "E").userId();
        for (int i = 0; i < 3; i++) {
            service.login("expired.sessions@example.com", PASSWORD, "10.0.0.1");
        }
        clock.advance(Duration.ofDays(31));
        String fresh = service.login("expired.sessions@example.com", PASSWORD, "10.0.0.1").refreshToken();

        assertThat(sessions.index(user).expiries()).hasSize(1);
        assertThat(itemsOf(user, "refresh#")).hasSize(1);
        assertThat(service.refresh(fresh).refreshToken()).isNotBlank();
    }

    @Test
    void aSessionKeepsItsLastThreeTokens_olderOnesDeleted_reuseOfAKeptOneEndsTheSession() {
        UserId user = service.register("long.session@example.com", PASSWORD, "L").userId();
        var chain = new java.util.ArrayList<String>();
        chain.add(service.login("long.session@example.com", PASSWORD, "10.0.0.1").refreshToken());
        for (int i = 0; i < 5; i++) {
            chain.add(service.refresh(chain.get(chain.size() - 1)).refreshToken());
        }

        assertThat(itemsOf(user, "refresh#")).hasSize(3);
        assertThat(itemsOf(user, "family#")).singleElement().satisfies(family -> assertThat(family.get("tokens").l())
                .extracting(AttributeValue::s).containsExactly(AccountStore.sha256(chain.get(3)), AccountStore.sha256(chain.get(4)),
                        AccountStore.sha256(chain.get(5))));
        // A token older than the kept ones is simply unknown: the session goes on.
        assertThatThrownBy(() -> service.refresh(chain.get(0))).hasMessage("the refresh token is not valid; log in again");
        String next = service.refresh(chain.get(5)).refreshToken();
        // A kept used token presented again is a replay: the whole session ends.
        assertThatThrownBy(() -> service.refresh(chain.get(4))).hasMessage("the refresh token is not valid; log in again");
        assertThatThrownBy(() -> service.refresh(next)).hasMessage("the refresh token is not valid; log in again");
    }

    @Test
    void aSessionOfAnOlderVersion_adoptedAtItsNextRefresh_thenDeletedWithTheAccount() {
        UserId user = service.register("older.session@example.com", PASSWORD, "O").userId();
        // As an older Coffer stored it: only the token item, no family item, no user list.
        String oldToken = "rt_" + UUID.randomUUID();
        long expires = clock.instant().plus(Duration.ofDays(30)).getEpochSecond();
        dynamoDb.putItem(b -> b.tableName(users + "-auth").item(Map.of("pk", AttributeValue.fromS("refresh#" + AccountStore.sha256(oldToken)),
                "user_id", AttributeValue.fromS(user.value()), "family", AttributeValue.fromS("old-family"),
                "issued_at", AttributeValue.fromN(Long.toString(clock.millis())), "ttl", AttributeValue.fromN(Long.toString(expires)),
                "used", AttributeValue.fromBool(false))));
        clock.advance(Duration.ofMillis(5));

        String adopted = service.refresh(oldToken).refreshToken();

        assertThat(sessions.index(user).expiries()).containsOnlyKeys("old-family");
        assertThat(itemsOf(user, "family#")).singleElement().satisfies(family -> assertThat(family.get("tokens").l())
                .extracting(AttributeValue::s).containsExactly(AccountStore.sha256(oldToken), AccountStore.sha256(adopted)));
        assertThatThrownBy(() -> service.refresh(oldToken)).hasMessage("the refresh token is not valid; log in again");

        service.deleteAccount(user);

        assertThat(itemsOf(user, "")).extracting(i -> i.get("pk").s()).containsExactly("deleted#" + user.value());
    }

    @Test
    void closedList_noNewSessionAndNoAdoption() {
        UserId user = service.register("closing@example.com", PASSWORD, "C").userId();
        String token = service.login("closing@example.com", PASSWORD, "10.0.0.1").refreshToken();

        sessions.endAll(user);
        // endAll deletes the list at its end; an account deletion in progress has it closed.
        dynamoDb.putItem(b -> b.tableName(users + "-auth").item(Map.of("pk", AttributeValue.fromS("sessions#" + user.value()),
                "closed", AttributeValue.fromBool(true))));

        assertThatThrownBy(() -> service.refresh(token)).hasMessage("the refresh token is not valid; log in again");
        assertThatThrownBy(() -> service.login("closing@example.com", PASSWORD, "10.0.0.1"))
                .isInstanceOfSatisfying(CofferException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.detail()).isEqualTo("the account was deleted");
                });
        assertThat(itemsOf(user, "refresh#")).isEmpty();
        assertThat(itemsOf(user, "family#")).isEmpty();
    }

    /** Items of the auth table whose {@code user_id} is the user's (or, for the "" prefix, whose key names the user), by key prefix. */
    private List<Map<String, AttributeValue>> itemsOf(UserId user, String prefix) {
        return AccountDeletionTest.itemsNaming(dynamoDb, users + "-auth", user.value()).stream()
                .filter(i -> i.get("pk").s().startsWith(prefix)).toList();
    }
}
