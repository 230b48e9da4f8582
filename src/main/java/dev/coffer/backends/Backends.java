package dev.coffer.backends;

import dev.coffer.aws.AwsClients;
import dev.coffer.aws.InJvmDynamoDb;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.AwsConfig;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.credentials.Credentials;
import dev.coffer.local.DataFolderLock;
import dev.coffer.local.EmbeddedServers;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What Coffer's data lives on, built in one place and shared by {@code serve} and the operator
 * commands: the embedded servers (on the embedded default) or the configured AWS endpoints, the
 * running {@link Credentials} (with their STS client), and the DynamoDB and S3 clients signing
 * with them. {@link #config()} is the configuration with endpoints aimed at what is really used.
 *
 * <p>{@link #close()} closes, in reverse order, the SDK clients, the credentials and their STS
 * client, and the embedded servers it started (never ones it was handed). Thread-safe once open.
 */
public final class Backends implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private final CofferConfig config;
    private final Optional<EmbeddedServers> ownedServers;
    private final Credentials credentials;
    private final AwsClients clients;

    private Backends(CofferConfig config, Optional<EmbeddedServers> ownedServers, Credentials credentials, AwsClients clients) {
        this.config = config;
        this.ownedServers = ownedServers;
        this.credentials = credentials;
        this.clients = clients;
    }

    /** What to do on the embedded default when another process's embedded servers hold the data folder. */
    public enum WhenFolderInUse {
        /** Fail to start with a one-line cause: {@code serve} (two servers must not share one folder). */
        REFUSE,
        /** Use that process's servers over loopback: operator commands beside a running {@code serve}. */
        USE_ITS_SERVERS
    }

    /**
     * Opens the backends of {@code config}: on the embedded default, starts the embedded servers on
     * disk under the data dir (or uses {@code shared}, already running, which stays open after
     * {@link #close()}; or, when another process holds the folder, does as {@code whenInUse} says);
     * otherwise the configured AWS endpoints. Then the credentials (checked as {@code verification}
     * says) and the clients.
     */
    public static Backends open(CofferConfig config, Optional<EmbeddedServers> shared, Clock clock, SdkHttpClients http,
                                Credentials.Verification verification, WhenFolderInUse whenInUse) throws Exception {
        Optional<EmbeddedServers> owned = Optional.empty();
        Optional<EmbeddedServers> servers = shared;
        CofferConfig effective = shared.map(s -> pointAt(config, s)).orElse(config);
        if (shared.isEmpty() && config.local()) {
            switch (DataFolderLock.claim(config.dataDir())) {
                case DataFolderLock.Claimed claimed -> {
                    owned = Optional.of(EmbeddedServers.onDisk(claimed.lock()).start("data in " + claimed.lock().folder()));
                    servers = owned;
                    effective = pointAt(config, owned.get());
                }
                case DataFolderLock.InUse inUse -> {
                    if (whenInUse == WhenFolderInUse.REFUSE || inUse.holder().isEmpty()) {
                        throw inUse.refusal();
                    }
                    DataFolderLock.Holder holder = inUse.holder().get();
                    LOG.info("using the embedded servers of the Coffer (pid {}) that holds {}", holder.pid(), inUse.folder());
                    effective = pointAt(config, holder.dynamoDb(), holder.s3());
                }
            }
        }
        try {
            Credentials credentials = Credentials.open(effective, clock, http, verification);
            try {
                boolean timed = effective.metrics().enabled();
                // On the embedded servers, DynamoDB calls skip HTTP and the SDK's pipeline (the same JVM answers them).
                Optional<InJvmDynamoDb> inJvm = servers.flatMap(s -> s.dynamoDb().inJvm());
                AwsClients clients = inJvm.isPresent()
                        ? AwsClients.create(effective.aws(), credentials.provider(), http, timed, inJvm.get())
                        : AwsClients.create(effective.aws(), credentials.provider(), http, timed);
                return new Backends(effective, owned, credentials, clients);
            } catch (RuntimeException e) {
                credentials.close();
                throw e;
            }
        } catch (Exception | Error e) {
            if (owned.isPresent()) {
                owned.get().close();
            }
            throw e;
        }
    }

    /**
     * As the operator commands open them: own embedded servers when local (or those of the
     * {@code serve} that holds the data folder), production HTTP clients.
     */
    public static Backends open(CofferConfig config, Clock clock, Credentials.Verification verification) throws Exception {
        return open(config, Optional.empty(), clock, SdkHttpClients.apache(), verification, WhenFolderInUse.USE_ITS_SERVERS);
    }

    /** The configuration with AWS endpoints aimed at the embedded servers of {@code servers}. */
    private static CofferConfig pointAt(CofferConfig config, EmbeddedServers servers) {
        return pointAt(config, servers.dynamoDb().endpoint(), servers.s3().endpoint());
    }

    /** The configuration with AWS endpoints aimed at embedded servers listening at these endpoints. */
    private static CofferConfig pointAt(CofferConfig config, URI dynamoDb, URI s3) {
        AwsConfig aws = config.aws();
        CredentialsConfig c = aws.credentials();
        return config.withAws(new AwsConfig(EmbeddedServers.REGION, Optional.of(dynamoDb), Optional.of(s3), Optional.empty(), true,
                Optional.empty(), aws.apiCallTimeout(), aws.maxRetries(), c));
    }

    /** The configuration with endpoints aimed at what is actually used. */
    public CofferConfig config() {
        return config;
    }

    public Credentials credentials() {
        return credentials;
    }

    public AwsClients clients() {
        return clients;
    }

    public DynamoDbClient dynamoDb() {
        return clients.dynamoDb();
    }

    public S3Client s3() {
        return clients.s3();
    }

    public S3Presigner presigner() {
        return clients.presigner();
    }

    /** Whether the data is on the loopback-only embedded servers. */
    public boolean embedded() {
        return config.local();
    }

    @Override
    public void close() throws Exception {
        try {
            clients.close();
        } finally {
            try {
                credentials.close();
            } finally {
                if (ownedServers.isPresent()) {
                    ownedServers.get().close();
                }
            }
        }
    }
}
