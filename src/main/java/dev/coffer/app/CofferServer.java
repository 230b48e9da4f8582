package dev.coffer.app;

import dev.coffer.admin.Console;
import dev.coffer.auth.AccessTokens;
import dev.coffer.auth.AccountDeletions;
import dev.coffer.auth.Auth;
import dev.coffer.auth.SigningKeys;
import dev.coffer.aws.AwsClients;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.backends.Backends;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.credentials.Credentials;
import dev.coffer.credentials.ResolvedCredentials;
import dev.coffer.doctor.PermissionProbes;
import dev.coffer.events.Events;
import dev.coffer.files.FilesFeature;
import dev.coffer.health.HealthReport;
import dev.coffer.health.HealthService;
import dev.coffer.health.PeriodicChecks;
import dev.coffer.http.ApiModule;
import dev.coffer.http.HealthRoutes;
import dev.coffer.http.HttpServer;
import dev.coffer.http.JsonBodies;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.metrics.Metrics;
import dev.coffer.openapi.OpenApiRoutes;
import dev.coffer.provision.Provisioner;
import dev.coffer.schema.TableSpec;
import dev.coffer.records.Records;
import dev.coffer.support.Secret;
import dev.coffer.usage.AwsCallMeter;
import dev.coffer.usage.MonthlyCounters;
import dev.coffer.usage.Recount;
import dev.coffer.usage.RequestMeter;
import dev.coffer.usage.Tally;
import dev.coffer.usage.UsageReport;
import dev.coffer.usage.UsageRoutes;
import dev.coffer.usage.UsageSeries;
import dev.coffer.usage.UsageStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Coffer: its {@link Backends} (embedded servers or AWS, credentials, SDK clients),
 * provisioned tables and bucket, and the HTTP server. Built in dependency order by {@link #start};
 * closed in reverse.
 */
public final class CofferServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CofferServer.class);

    private final Backends backends;
    private final HttpServer http;
    private final HealthService health;
    private final AccessTokens tokens;
    private final List<UserDataOwner> owners;
    private final AccountDeletions deletions;
    private final AutoCloseable deletionSweep;
    private final Optional<Metrics> metrics;
    private final Optional<Integer> metricsPort;
    private final Auth auth;
    private final Events events;
    private final UsageStore usage;
    private final Recount recount;
    private final MonthlyCounters months;
    private final UsageReport report;

    private CofferServer(Backends backends, HttpServer http, HealthService health, AccessTokens tokens,
                         List<UserDataOwner> owners, AccountDeletions deletions, AutoCloseable deletionSweep,
                         Optional<Metrics> metrics, Optional<Integer> metricsPort, Auth auth, Events events,
                         UsageStore usage, Recount recount, MonthlyCounters months, UsageReport report) {
        this.metrics = metrics;
        this.metricsPort = metricsPort;
        this.auth = auth;
        this.events = events;
        this.months = months;
        this.report = report;
        this.usage = usage;
        this.recount = recount;
        this.deletions = deletions;
        this.deletionSweep = deletionSweep;
        this.backends = backends;
        this.tokens = tokens;
        this.owners = owners;
        this.http = http;
        this.health = health;
    }

    /** Starts the embedded servers on disk under the configured data dir (local mode), or reaches AWS, then Coffer. */
    public static CofferServer start(CofferConfig config, Clock clock) throws Exception {
        return launch(Backends.open(config, Optional.empty(), clock, SdkHttpClients.apache(), Credentials.Verification.AS_CONFIGURED,
                Backends.WhenFolderInUse.REFUSE), clock);
    }

    /**
     * Starts Coffer against already running {@link EmbeddedServers} (tests share one per suite),
     * which this server does not close, or, when empty, as {@link #start(CofferConfig, Clock)}.
     */
    public static CofferServer start(CofferConfig config, Optional<EmbeddedServers> shared, Clock clock) {
        return start(config, shared, clock, SdkHttpClients.apache());
    }

    /** As above, with the HTTP clients of every SDK client made by {@code http} (tests count them). */
    public static CofferServer start(CofferConfig config, Optional<EmbeddedServers> shared, Clock clock, SdkHttpClients http) {
        Backends backends;
        try {
            backends = Backends.open(config, shared, clock, http, Credentials.Verification.AS_CONFIGURED, Backends.WhenFolderInUse.REFUSE);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded servers: " + e.getMessage(), e);
        }
        return launch(backends, clock);
    }

    private static CofferServer launch(Backends backends, Clock clock) {
        Optional<Metrics> metrics = Optional.empty();
        Events events = null;
        Optional<MonthlyCounters> started = Optional.empty();
        try {
            CofferConfig effective = backends.config();
            Secret signingKey = SigningKeys.resolve(effective);
            AccessTokens tokens = new AccessTokens(signingKey, effective.auth().accessTokenTtl(), effective.auth().clockLeeway(),
                    clock);
            List<TableSpec> tables = tables(effective);
            if (effective.provisionOnStart()) {
                Provisioner.of(backends).applyOrRefuse(tables, effective.storage());
            }
            // Auth before health: /health reports the external issuer's keys.
            var owners = new ArrayList<UserDataOwner>();
            Auth auth = Auth.create(effective, backends.dynamoDb(), tokens, clock, () -> List.copyOf(owners));
            HealthService health = new HealthService(new HealthService.Targets(Version.current(),
                    effective.aws().region(),
                    effective.aws().dynamodbEndpoint().map(Object::toString).orElse("aws"),
                    tables.stream().map(TableSpec::name).toList(),
                    effective.storage().bucket(), effective.storage().prefix(),
                    environmentFacts(effective.aws().credentials())),
                    backends.dynamoDb(), backends.s3(), backends.credentials()::health, auth::health, periodicChecks(backends, tables, clock), clock,
                    effective.healthCacheTtl());
            var bodies = new JsonBodies(effective.server().maxBodyBytes());
            var modules = new ArrayList<ApiModule>();
            modules.add(new HealthRoutes(health));
            // -- auth routes --
            modules.add(auth.routes(bodies));
            // -- usage counters (records and files tell them of every write) --
            // The usage series count for metrics (instance-wide, no user id); bound below when metrics are on.
            UsageSeries usageSeries = new UsageSeries();
            UsageStore usage = new UsageStore(backends.dynamoDb(), Auth.authTable(effective), effective.usage().quotas(), usageSeries);
            // -- records routes --
            Records records = Records.create(effective, backends.dynamoDb(), signingKey, clock, usage);
            modules.add(records.routes(bodies));
            owners.add(records.owner());
            // -- events routes --
            events = Events.start(effective, backends.clients(), clock);
            modules.add(events.routes());
            // -- files routes --
            FilesFeature files = FilesFeature.create(effective, backends.clients(), signingKey,
                    () -> backends.credentials().current().expiration(), clock, usage);
            modules.add(files.routes(bodies));
            owners.add(files.owner());
            // Last of the owners: an account's counters go once its data has gone.
            owners.add(usage);
            Recount recount = recount(usage, records, files);
            // -- usage: AWS calls and API requests counted for the user who made them, cost estimate --
            Tally tally = new Tally(clock, usageSeries);
            backends.clients().subscribe(new AwsCallMeter(tally));
            MonthlyCounters months = MonthlyCounters.start(backends.dynamoDb(), Auth.authTable(effective), tally, clock,
                    effective.usage().flushInterval());
            started = Optional.of(months);
            // After the usage item: a deleted account's month items go, and no flush writes them again.
            owners.add(months);
            UsageReport report = new UsageReport(usage, months, effective.usage().pricing(), effective.aws().region(), clock);
            modules.add(new UsageRoutes(report, usage, bodies));
            usageSeries.costFrom(report, clock);
            var meter = new RequestMeter(tally, usage, effective.usage().quotas(), clock);
            // -- console (admin API, static pages, activity) --
            Console console = Console.create(auth.admins(), auth.users(), records.forOperators(), files.forOperators(), health,
                    backends, tables, bodies, clock);
            modules.addAll(console.modules());
            var observers = new ArrayList<dev.coffer.http.RequestObserver>();
            observers.add(console.activity());
            // -- metrics --
            if (effective.metrics().enabled()) {
                metrics = Optional.of(Metrics.start(effective.metrics(), new Metrics.Sources(backends.clients(),
                        () -> backends.credentials().current().expiration(), health::lastReport, clock)));
                observers.add(metrics.get().requestObserver());
                metrics.get().bind(usageSeries);
                metrics.get().apiRoutes().ifPresent(modules::add);
            }
            // Last: the document describes every route registered before it.
            modules.add(new OpenApiRoutes(effective, Version.current()));
            HttpServer http = HttpServer.start(effective.server(), auth.authenticator(), console.authenticator(), modules,
                    observers, List.of(meter));
            LOG.info("coffer {} listening on http://{}:{}", Version.current(), effective.server().host(), http.port());
            Optional<Integer> metricsPort = Optional.empty();
            try {
                metricsPort = metrics.isEmpty() ? Optional.empty()
                        : metrics.get().serveManagementPort(effective.server(), auth.authenticator());
            } catch (RuntimeException e) {
                http.close();
                throw e;
            }
            return new CofferServer(backends, http, health, tokens, List.copyOf(owners), auth.deletions(),
                    auth.startDeletionSweep(), metrics, metricsPort, auth, events, usage, recount, months, report);
        } catch (RuntimeException | Error e) {
            metrics.ifPresent(Metrics::close);
            started.ifPresent(MonthlyCounters::close);
            if (events != null) {
                events.close();
            }
            try {
                backends.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Against AWS: the bucket-region check and doctor's harmless permission probes, run now (a
     * denied permission is logged at start-up) and again by /health every
     * {@code health.probe_interval}. None on the embedded default, which checks no permissions.
     */
    private static Optional<PeriodicChecks> periodicChecks(Backends backends, List<TableSpec> tables, Clock clock) {
        CofferConfig config = backends.config();
        if (config.local()) {
            return Optional.empty();
        }
        var probes = new PermissionProbes(backends.dynamoDb(), backends.s3(), backends.clients().streams());
        String bucket = config.storage().bucket();
        var checks = new PeriodicChecks(backends.s3(), bucket, () -> probes.denied(tables, bucket, config.storage().prefix()),
                config.healthProbeInterval(), clock);
        checks.runNow();
        return Optional.of(checks);
    }

    /** The recount of usage counters from the data of {@code records} and {@code files} (serve and {@code coffer usage}). */
    public static Recount recount(UsageStore usage, Records records, FilesFeature files) {
        return new Recount(usage, records::measure, files::measure, () -> {
            var users = new java.util.LinkedHashSet<dev.coffer.identity.UserId>(files.owners());
            users.addAll(records.owners());
            return users;
        });
    }

    /** Per-user usage counters and quota overrides. */
    public UsageStore usage() {
        return usage;
    }

    /** Usage and cost per user and for the deployment. */
    public UsageReport usageReport() {
        return report;
    }

    /** Writes this instance's request and cost counters now (tests; serve does it every usage.flush_interval). */
    public void flushUsage() {
        months.flush();
    }

    /** Rebuilds usage counters from the tables and the bucket. */
    public Recount usageRecount() {
        return recount;
    }

    /** Every table this configuration needs (provisioning, health, policy). */
    public static List<TableSpec> tables(CofferConfig config) {
        var all = new ArrayList<TableSpec>(Auth.tables(config));
        all.addAll(Records.tables(config));
        return all;
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
        return backends.config();
    }

    public AwsClients clients() {
        return backends.clients();
    }

    public Backends backends() {
        return backends;
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
        return backends.credentials().reload(reloaded);
    }

    public Credentials credentials() {
        return backends.credentials();
    }

    /** Every piece that keeps user data (account deletion calls each). */
    public List<UserDataOwner> userDataOwners() {
        return owners;
    }

    public HealthService health() {
        return health;
    }

    /** The metrics, when {@code metrics.token} or {@code metrics.port} is set (the overhead bench drives them). */
    public Optional<Metrics> metrics() {
        return metrics;
    }

    /** The port of the separate metrics listener, when {@code metrics.port} is set. */
    public Optional<Integer> metricsPort() {
        return metricsPort;
    }

    /** Console admins (tests create one as `coffer admin create` would). */
    public dev.coffer.auth.AdminAccounts admins() {
        return auth.admins();
    }

    /** The auth piece: token revocation and the disable hook ({@link Auth#setDisabled}) the console calls. */
    public Auth auth() {
        return auth;
    }

    /** Account deletion; its sweep runs every {@code auth.deletion_sweep_interval} (tests call it directly). */
    public AccountDeletions accountDeletions() {
        return deletions;
    }

    /**
     * Done when the start-up work left to run beside the first requests (the dummy password hash) is
     * finished: serve collects start-up's garbage then.
     */
    public java.util.concurrent.CompletableFuture<Void> backgroundStart() {
        return auth.backgroundStart();
    }

    /** Blocks until the JVM is asked to stop. */
    public void awaitShutdown() throws InterruptedException {
        Thread.currentThread().join();
    }

    @Override
    public void close() throws Exception {
        try {
            deletionSweep.close();
            metrics.ifPresent(Metrics::close);
            events.close();
            http.close();
            months.close();
        } finally {
            backends.close();
        }
    }
}
