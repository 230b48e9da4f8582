package dev.coffer.app;

import dev.coffer.auth.AccessTokens;
import dev.coffer.auth.AccountDeletions;
import dev.coffer.auth.Auth;
import dev.coffer.auth.SigningKeys;
import dev.coffer.http.JsonBodies;
import dev.coffer.files.Files;
import dev.coffer.records.Records;
import dev.coffer.support.Secret;
import dev.coffer.aws.AwsClients;
import dev.coffer.config.AwsConfig;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.credentials.CredentialsResolver;
import dev.coffer.credentials.CredentialsMonitor;
import dev.coffer.credentials.IdentityCheck;
import dev.coffer.credentials.ResolvedCredentials;
import dev.coffer.health.HealthReport;
import dev.coffer.health.HealthService;
import dev.coffer.http.ApiModule;
import dev.coffer.http.HealthRoutes;
import dev.coffer.http.HttpServer;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.local.LocalStack;
import dev.coffer.provision.Provisioner;
import dev.coffer.provision.TableSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Coffer: embedded servers (in local mode), AWS clients, provisioned tables and
 * bucket, and the HTTP server. Built in dependency order by {@link #start}; closed in reverse.
 */
public final class CofferServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CofferServer.class);

    private final CofferConfig config;
    private final Optional<LocalStack> local;
    private final AwsClients clients;
    private final HttpServer http;
    private final HealthService health;
    private final AccessTokens tokens;
    private final List<UserDataOwner> owners;
    private final CredentialsMonitor credentials;
    private final AccountDeletions deletions;
    private final AutoCloseable deletionSweep;

    private CofferServer(CofferConfig config, Optional<LocalStack> local, AwsClients clients, HttpServer http,
                         HealthService health, AccessTokens tokens, List<UserDataOwner> owners, CredentialsMonitor credentials,
                         AccountDeletions deletions, AutoCloseable deletionSweep) {
        this.credentials = credentials;
        this.deletions = deletions;
        this.deletionSweep = deletionSweep;
        this.tokens = tokens;
        this.owners = owners;
        this.config = config;
        this.local = local;
        this.clients = clients;
        this.http = http;
        this.health = health;
    }

    /** Starts the embedded servers on disk under the configured data dir (local mode), then Coffer. */
    public static CofferServer start(CofferConfig config, Clock clock) throws Exception {
        Optional<LocalStack> local = Optional.empty();
        if (config.local()) {
            local = Optional.of(LocalStack.onDisk(config.dataDir())
                    .start("data in " + config.dataDir().toAbsolutePath().normalize()));
        }
        try {
            return launch(config, local, true, clock);
        } catch (Exception | Error e) {
            if (local.isPresent()) {
                local.get().close();
            }
            throw e;
        }
    }

    /**
     * Starts Coffer against an already running {@link LocalStack} (tests share one per suite) or,
     * when empty, against the configured AWS endpoints. The stack is not closed by this server
     * unless it was started by {@link #start(CofferConfig, Clock)}.
     */
    public static CofferServer start(CofferConfig config, Optional<LocalStack> local, Clock clock) {
        return launch(config, local, false, clock);
    }

    private static CofferServer launch(CofferConfig config, Optional<LocalStack> local, boolean ownsLocal, Clock clock) {
        CofferConfig effective = local.map(stack -> pointAt(config, stack)).orElse(config);
        Secret signingKey = SigningKeys.resolve(effective);
        AccessTokens tokens = new AccessTokens(signingKey, effective.auth().accessTokenTtl(), clock);
        ResolvedCredentials credentials = CredentialsResolver.resolve(effective, clock);
        String identity = "";
        if (!effective.local() && effective.aws().credentials().validate()) {
            IdentityCheck.Identity who = IdentityCheck.verify(effective, credentials);
            identity = " account=" + who.account() + " arn=" + who.arn();
        } else if (!effective.local()) {
            identity = " account=unchecked (aws.validate_credentials=false)";
        }
        LOG.info("credentials: mode={} source={} key={}{}{}", credentials.mode(), credentials.source(),
                credentials.maskedAccessKeyId(), identity, credentials.expiration().map(e -> " expires=" + e + " ("
                        + java.time.Duration.between(clock.instant(), e).toMinutes() + " min left)").orElse(""));
        var monitor = new CredentialsMonitor(credentials, effective.aws().credentials().expiryWarning(), clock);
        AwsClients clients = AwsClients.create(effective.aws(), monitor.provider());
        try {
            List<TableSpec> tables = tables(effective);
            if (effective.provisionOnStart()) {
                var provisioner = new Provisioner(clients.dynamoDb(), clients.s3(), effective.aws().region());
                var outcomes = new ArrayList<Provisioner.Outcome>();
                for (TableSpec table : tables) {
                    outcomes.add(provisioner.ensureTable(table));
                }
                outcomes.add(provisioner.ensureBucket(effective.storage().bucket(), effective.storage().prefix(),
                        bucketSecurity(effective)));
                Provisioner.requireMatching(outcomes);
            }
            HealthService health = new HealthService(new HealthService.Targets(Version.current(),
                    effective.aws().region(),
                    effective.aws().dynamodbEndpoint().map(Object::toString).orElse("aws"),
                    tables.stream().map(TableSpec::name).toList(),
                    effective.storage().bucket(), effective.storage().prefix(),
                    environmentFacts(config.aws().credentials())),
                    clients.dynamoDb(), clients.s3(), monitor::health, clock,
                    effective.healthCacheTtl());
            var bodies = new JsonBodies(effective.server().maxBodyBytes());
            var owners = new ArrayList<UserDataOwner>();
            var modules = new ArrayList<ApiModule>();
            modules.add(new HealthRoutes(health));
            // -- auth routes --
            Auth auth = Auth.create(effective, clients.dynamoDb(), tokens, clock, () -> List.copyOf(owners));
            modules.add(auth.routes(bodies));
            // -- records routes --
            Records records = Records.create(effective, clients.dynamoDb(), signingKey, clock);
            modules.add(records.routes(bodies));
            owners.add(records.owner());
            // -- files routes --
            Files files = Files.create(effective, clients, signingKey, () -> monitor.current().expiration(), clock);
            modules.add(files.routes(bodies));
            owners.add(files.owner());
            HttpServer http = HttpServer.start(effective.server(), auth.authenticator(), modules);
            LOG.info("coffer {} listening on http://{}:{}", Version.current(), effective.server().host(), http.port());
            return new CofferServer(effective, ownsLocal ? local : Optional.empty(), clients, http, health, tokens,
                    List.copyOf(owners), monitor, auth.deletions(), auth.startDeletionSweep());
        } catch (RuntimeException e) {
            clients.close();
            throw e;
        }
    }

    /** Every table this configuration needs (provisioning, health, policy). */
    public static List<TableSpec> tables(CofferConfig config) {
        var all = new ArrayList<TableSpec>(Auth.tables(config));
        all.addAll(Records.tables(config));
        return all;
    }

    /** How strictly new buckets are secured for this configuration (see {@link Provisioner#ensureBucket}). */
    public static Provisioner.BucketSecurity bucketSecurity(CofferConfig config) {
        if (config.local()) {
            return Provisioner.BucketSecurity.SKIP;
        }
        return config.aws().s3Endpoint().isPresent() ? Provisioner.BucketSecurity.BEST_EFFORT
                : Provisioner.BucketSecurity.REQUIRED;
    }

    /** The configuration with AWS endpoints aimed at the embedded servers of {@code stack}. */
    public static CofferConfig pointAt(CofferConfig config, LocalStack stack) {
        AwsConfig aws = config.aws();
        CredentialsConfig c = aws.credentials();
        return config.withAws(new AwsConfig(LocalStack.REGION, Optional.of(stack.dynamoDb().endpoint()),
                Optional.of(stack.s3().endpoint()), Optional.empty(), true, Optional.empty(),
                aws.apiCallTimeout(), aws.maxRetries(), c));
    }

    private static HealthReport.EnvironmentFacts environmentFacts(CredentialsConfig c) {
        return new HealthReport.EnvironmentFacts(c.accessKeyId().isPresent(), c.secretAccessKey().isPresent(),
                c.sessionToken().isPresent());
    }

    public int port() {
        return http.port();
    }

    /** Every route of the API with its declared access (route-walking tests read it). */
    public List<dev.coffer.http.Routes.Declared> routes() {
        return http.routes();
    }

    public CofferConfig config() {
        return config;
    }

    public AwsClients clients() {
        return clients;
    }

    /** Issues and verifies access tokens (tests mint tokens with it). */
    public AccessTokens accessTokens() {
        return tokens;
    }

    /**
     * Re-reads credentials from {@code reloaded} (e.g. after SIGHUP, with a new .env) and swaps
     * them in once checked; the old ones stay on failure, which is thrown.
     */
    public ResolvedCredentials reloadCredentials(CofferConfig reloaded) {
        return credentials.reload(reloaded);
    }

    public CredentialsMonitor credentials() {
        return credentials;
    }

    /** Every piece that keeps user data (account deletion calls each). */
    public List<UserDataOwner> userDataOwners() {
        return owners;
    }

    public HealthService health() {
        return health;
    }

    /** Account deletion; its sweep runs every {@code auth.deletion_sweep_interval} (tests call it directly). */
    public AccountDeletions accountDeletions() {
        return deletions;
    }

    /** Blocks until the JVM is asked to stop. */
    public void awaitShutdown() throws InterruptedException {
        Thread.currentThread().join();
    }

    @Override
    public void close() throws Exception {
        try {
            deletionSweep.close();
            http.close();
        } finally {
            clients.close();
            if (local.isPresent()) {
                local.get().close();
            }
        }
    }
}
