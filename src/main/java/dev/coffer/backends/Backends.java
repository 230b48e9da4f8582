package dev.coffer.backends;

import dev.coffer.aws.AwsClients;
import dev.coffer.aws.InJvmDynamoDb;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.AwsConfig;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.credentials.Credentials;
import dev.coffer.local.EmbeddedServers;
import java.time.Clock;
import java.util.Optional;
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

    /**
     * Opens the backends of {@code config}: on the embedded default, starts the embedded servers on
     * disk under the data dir (or uses {@code shared}, already running, which stays open after
     * {@link #close()}); otherwise the configured AWS endpoints. Then the credentials (checked as
     * {@code verification} says) and the clients.
     */
    public static Backends open(CofferConfig config, Optional<EmbeddedServers> shared, Clock clock, SdkHttpClients http,
                                Credentials.Verification verification) throws Exception {
        Optional<EmbeddedServers> owned = Optional.empty();
        Optional<EmbeddedServers> servers = shared;
        if (shared.isEmpty() && config.local()) {
            owned = Optional.of(EmbeddedServers.onDisk(config.dataDir())
                    .start("data in " + config.dataDir().toAbsolutePath().normalize()));
            servers = owned;
        }
        try {
            CofferConfig effective = servers.map(s -> pointAt(config, s)).orElse(config);
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

    /** As {@code serve} and the operator commands open them: own embedded servers when local, production HTTP clients. */
    public static Backends open(CofferConfig config, Clock clock, Credentials.Verification verification) throws Exception {
        return open(config, Optional.empty(), clock, SdkHttpClients.apache(), verification);
    }

    /** The configuration with AWS endpoints aimed at the embedded servers of {@code servers}. */
    private static CofferConfig pointAt(CofferConfig config, EmbeddedServers servers) {
        AwsConfig aws = config.aws();
        CredentialsConfig c = aws.credentials();
        return config.withAws(new AwsConfig(EmbeddedServers.REGION, Optional.of(servers.dynamoDb().endpoint()),
                Optional.of(servers.s3().endpoint()), Optional.empty(), true, Optional.empty(),
                aws.apiCallTimeout(), aws.maxRetries(), c));
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
