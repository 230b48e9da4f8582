package dev.coffer.auth;

import dev.coffer.config.CofferConfig;
import dev.coffer.health.HealthReport;
import dev.coffer.http.ApiModule;
import dev.coffer.http.JsonBodies;
import dev.coffer.identity.Authenticator;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.schema.TableSpec;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The auth piece, assembled: who may call (the authenticator), its tables and its routes. */
public final class Auth {
    private final Authenticator authenticator;
    private final Optional<OidcVerifier> oidc;
    private final AccountStore store;
    private final DeletedUsers deletedUsers;
    private final AccessTokens tokens;
    private final CofferConfig config;
    private final PasswordHasher hasher;
    private final Clock clock;

    private Auth(Authenticator authenticator, Optional<OidcVerifier> oidc, AccountStore store, DeletedUsers deletedUsers,
                 AccessTokens tokens, CofferConfig config, PasswordHasher hasher, Clock clock) {
        this.authenticator = authenticator;
        this.oidc = oidc;
        this.store = store;
        this.deletedUsers = deletedUsers;
        this.tokens = tokens;
        this.config = config;
        this.hasher = hasher;
        this.clock = clock;
    }

    public static Auth create(CofferConfig config, DynamoDbClient dynamoDb, AccessTokens tokens, Clock clock) {
        return create(config, dynamoDb, tokens, clock, new Argon2Hasher(config.auth()));
    }

    /** With a given hasher: tests count hash computations through it. */
    public static Auth create(CofferConfig config, DynamoDbClient dynamoDb, AccessTokens tokens, Clock clock, PasswordHasher hasher) {
        Optional<OidcVerifier> oidc = config.auth().oidcIssuer().map(issuer -> OidcVerifier.discover(issuer,
                config.auth().oidcAudience().orElseThrow(), config.auth().clockLeeway(), clock));
        var store = new AccountStore(dynamoDb, config.storage().usersTable());
        var deletedUsers = new DeletedUsers(store, clock);
        var authenticator = new CofferAuthenticator(tokens, new ServiceKeys(config.auth().serviceKeyHashes()), oidc, deletedUsers);
        return new Auth(authenticator, oidc, store, deletedUsers, tokens, config, hasher, clock);
    }

    public static List<TableSpec> tables(CofferConfig config) {
        return AccountStore.tables(config.storage().usersTable());
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    /**
     * The identity providers for /health; fetches the external issuer's keys first when they are
     * stale or the last fetch failed (at most once per second).
     */
    public HealthReport.AuthHealth health() {
        return oidc.map(verifier -> new HealthReport.AuthHealth(verifier.health())).orElse(HealthReport.AuthHealth.NOT_CONFIGURED);
    }

    /** The routes; {@code owners} is read when an account is deleted (every piece registered by then). */
    public ApiModule routes(JsonBodies bodies, Supplier<List<UserDataOwner>> owners) {
        return routes -> new AuthRoutes(new AuthService(store, deletedUsers, hasher, tokens, config.auth(), owners, clock),
                bodies).register(routes);
    }
}
