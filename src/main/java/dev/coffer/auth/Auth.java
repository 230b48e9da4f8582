package dev.coffer.auth;

import dev.coffer.config.CofferConfig;
import dev.coffer.http.ApiModule;
import dev.coffer.http.JsonBodies;
import dev.coffer.identity.Authenticator;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import dev.coffer.schema.TableSpec;
import dev.coffer.health.HealthReport;
import dev.coffer.support.BackgroundExecutors;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The auth piece, assembled: who may call (the authenticator), its tables, its routes, and
 * account deletion with its background sweep.
 */
public final class Auth {
    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);
    private final Authenticator authenticator;
    private final Optional<OidcVerifier> oidc;
    private final AuthService service;
    private final AccountDeletions deletions;
    private final AccountStanding standing;
    private final Duration sweepInterval;
    private final AdminAccounts admins;
    private final UserDirectory directory;

    private Auth(Authenticator authenticator, Optional<OidcVerifier> oidc, AuthService service, AccountDeletions deletions,
                 AccountStanding standing, Duration sweepInterval, AdminAccounts admins, UserDirectory directory) {
        this.standing = standing;
        this.admins = admins;
        this.directory = directory;
        this.authenticator = authenticator;
        this.oidc = oidc;
        this.service = service;
        this.deletions = deletions;
        this.sweepInterval = sweepInterval;
    }

    /**
     * @param owners every piece that keeps user data; read when an account is deleted (every
     *               piece registered by then)
     */
    public static Auth create(CofferConfig config, DynamoDbClient dynamoDb, AccessTokens tokens, Clock clock,
                              Supplier<List<UserDataOwner>> owners) {
        return create(config, dynamoDb, tokens, clock, new Argon2Hasher(config.auth()), owners);
    }

    /** With a given hasher: tests count hash computations through it. */
    public static Auth create(CofferConfig config, DynamoDbClient dynamoDb, AccessTokens tokens, Clock clock, PasswordHasher hasher,
                              Supplier<List<UserDataOwner>> owners) {
        Optional<OidcVerifier> oidc = config.auth().oidcIssuer().map(issuer -> OidcVerifier.discover(issuer,
                config.auth().oidcAudience().orElseThrow(), config.auth().clockLeeway(), clock));
        var store = new AccountStore(dynamoDb, config.storage().usersTable());
        var sessions = new SessionStore(dynamoDb, config.storage().usersTable(), SessionStore.Limits.DEFAULT);
        var standing = new AccountStanding(store, clock);
        var deletions = new AccountDeletions(store, sessions, standing, owners, clock);
        var authenticator = new CofferAuthenticator(tokens, new ServiceKeys(config.auth().serviceKeyHashes()), oidc, standing);
        var service = new AuthService(store, sessions, deletions, standing, hasher, tokens, config.auth(), clock);
        var admins = new AdminAccounts(dynamoDb, config.storage().usersTable(), hasher, config.auth(), clock);
        var directory = new UserDirectory(dynamoDb, config.storage().usersTable(), store, standing, deletions);
        return new Auth(authenticator, oidc, service, deletions, standing, config.auth().deletionSweepInterval(), admins, directory);
    }

    /**
     * Refuses every access token of {@code user} issued until now, on this instance at once and on
     * every other within {@link #REVOCATION_BOUND}; the user's refresh tokens keep working.
     */
    public void revokeTokens(UserId user) {
        standing.revokeTokens(user);
    }

    /**
     * Disables (or enables again) {@code user}: while disabled, login, refresh, the user's access
     * tokens and service keys acting for the user are refused, on every instance within
     * {@link #REVOCATION_BOUND}. The hook for the operator console's "disable".
     */
    public void setDisabled(UserId user, boolean disabled) {
        standing.setDisabled(user, disabled);
    }

    /** How long another instance may still accept a token after a logout, password change, disabling or deletion. */
    public static final Duration REVOCATION_BOUND = AccountStanding.REMEMBER;

    /**
     * The auth table ({@code <users_table>-auth}, partition key {@code pk}, TTL on {@code ttl}),
     * where the usage piece keeps its per-user {@code usage#} and {@code month#} items.
     */
    public static String authTable(CofferConfig config) {
        return AccountStore.authTable(config.storage().usersTable());
    }

    public static List<TableSpec> tables(CofferConfig config) {
        return AccountStore.tables(config.storage().usersTable());
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    /** Console admins: creation, login, and the sessions the edge authenticates admin routes with. */
    public AdminAccounts admins() {
        return admins;
    }

    /** The app's users as the console lists, disables and deletes them. */
    public UserDirectory users() {
        return directory;
    }

    /**
     * The identity providers for /health; fetches the external issuer's keys first when they are
     * stale or the last fetch failed (at most once per second).
     */
    public HealthReport.AuthHealth health() {
        return oidc.map(verifier -> new HealthReport.AuthHealth(verifier.health())).orElse(HealthReport.AuthHealth.NOT_CONFIGURED);
    }

    public ApiModule routes(JsonBodies bodies) {
        return routes -> new AuthRoutes(service, bodies).register(routes);
    }

    /** Done when start-up work left to the background (the dummy password hash) is finished, failed or not. */
    public java.util.concurrent.CompletableFuture<Void> backgroundStart() {
        return service.backgroundStart();
    }

    /** Account deletion; {@link AccountDeletions#finishPending} is what the sweep runs (tests call it directly). */
    public AccountDeletions deletions() {
        return deletions;
    }

    /**
     * Starts finishing unfinished account deletions every {@code auth.deletion_sweep_interval},
     * on one named background thread; closing the result stops it.
     */
    public AutoCloseable startDeletionSweep() {
        ScheduledExecutorService executor = BackgroundExecutors.scheduled("account-deletion-sweep");
        long every = sweepInterval.toMillis();
        executor.scheduleWithFixedDelay(() -> {
            // A periodic task that throws is never run again: every failure ends here.
            try {
                var sweep = deletions.finishPending();
                if (sweep.finished() + sweep.failed() > 0) {
                    LOG.info("account deletion sweep: {} finished, {} failed, {} left for later", sweep.finished(), sweep.failed(),
                            sweep.waiting());
                }
            } catch (RuntimeException e) {
                LOG.warn("account deletion sweep could not read the pending deletions (next try in {}): {}", sweepInterval,
                        e instanceof dev.coffer.error.CofferException c ? c.oneLine() : e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return executor::shutdownNow;
    }
}
