package dev.coffer.app;

import dev.coffer.aws.AwsClients;
import dev.coffer.config.CofferConfig;
import dev.coffer.credentials.CredentialsResolver;
import dev.coffer.credentials.ResolvedCredentials;
import dev.coffer.local.EmbeddedServers;
import java.util.Optional;

/**
 * What the operator commands (init, doctor, whoami, policy) work against: in local mode the
 * embedded servers started on the configured data dir, otherwise AWS as configured; plus the
 * credentials and SDK clients. Closing it closes the clients and stops the embedded servers.
 */
public final class AwsEnvironment implements AutoCloseable {
    private final CofferConfig config;
    private final Optional<EmbeddedServers> local;
    private final ResolvedCredentials credentials;
    private final AwsClients clients;

    private AwsEnvironment(CofferConfig config, Optional<EmbeddedServers> local, ResolvedCredentials credentials,
                           AwsClients clients) {
        this.config = config;
        this.local = local;
        this.credentials = credentials;
        this.clients = clients;
    }

    public static AwsEnvironment open(CofferConfig config) throws Exception {
        Optional<EmbeddedServers> local = Optional.empty();
        CofferConfig effective = config;
        if (config.local()) {
            EmbeddedServers stack = EmbeddedServers.onDisk(config.dataDir()).start("data in " + config.dataDir().toAbsolutePath().normalize());
            local = Optional.of(stack);
            effective = CofferServer.pointAt(config, stack);
        }
        try {
            ResolvedCredentials credentials = CredentialsResolver.resolve(effective);
            return new AwsEnvironment(effective, local, credentials, AwsClients.create(effective.aws(), credentials.provider()));
        } catch (RuntimeException e) {
            if (local.isPresent()) {
                local.get().close();
            }
            throw e;
        }
    }

    /** The configuration with endpoints aimed at what is actually used. */
    public CofferConfig config() {
        return config;
    }

    public ResolvedCredentials credentials() {
        return credentials;
    }

    public AwsClients clients() {
        return clients;
    }

    @Override
    public void close() throws Exception {
        try {
            clients.close();
        } finally {
            if (local.isPresent()) {
                local.get().close();
            }
        }
    }
}
