package dev.coffer.files;

import dev.coffer.aws.AwsClients;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.FilesConfig;
import dev.coffer.http.ApiModule;
import dev.coffer.http.JsonBodies;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import dev.coffer.usage.FileMeter;
import dev.coffer.usage.Usage;
import dev.coffer.support.OpaqueTokens;
import dev.coffer.support.Secret;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** The files piece, assembled: routes over one bucket and prefix, and its part in account deletion. */
public final class FilesFeature {
    private final FileStore store;
    private final Presigning presigning;
    private final OpaqueTokens cursors;

    private FilesFeature(FileStore store, Presigning presigning, OpaqueTokens cursors) {
        this.store = store;
        this.presigning = presigning;
        this.cursors = cursors;
    }

    /**
     * @param credentialsExpiry when the signing credentials end (bounds presigned URLs)
     */
    public static FilesFeature create(CofferConfig config, AwsClients clients, Secret signingKey,
                               Supplier<Optional<Instant>> credentialsExpiry, Clock clock) {
        return create(config, clients, signingKey, credentialsExpiry, clock, FileMeter.NONE);
    }

    /** As above, telling {@code meter} of every file stored, replaced and deleted (usage, quotas). */
    public static FilesFeature create(CofferConfig config, AwsClients clients, Secret signingKey,
                               Supplier<Optional<Instant>> credentialsExpiry, Clock clock, FileMeter meter) {
        // The embedded S3Proxy keeps plain files on a loopback-only server and rejects SSE headers;
        // with files.sse = bucket the bucket's own default encryption is left to apply.
        boolean encrypt = !config.local() && config.files().sse() != FilesConfig.Sse.BUCKET;
        var store = new FileStore(clients.s3(), config.storage().bucket(), config.storage().prefix(), config.files(), encrypt,
                meter);
        return new FilesFeature(store, new Presigning(clients.presigner(), store, credentialsExpiry, clock),
                new OpaqueTokens(signingKey, "coffer-files-cursor-v1"));
    }

    public ApiModule routes(JsonBodies bodies) {
        return new FilesRoutes(store, presigning, bodies, cursors);
    }

    /** What the operator console reads (admins only). */
    public FilesForOperators forOperators() {
        return new FilesForOperators(store);
    }

    public UserDataOwner owner() {
        return store;
    }

    /** The number and bytes of the user's files, listed from S3 (what a usage recount compares with). */
    public Usage.Stored measure(UserId user) {
        return store.measure(user);
    }

    /** Every user with a folder of files. */
    public java.util.Set<UserId> owners() {
        return store.owners();
    }
}
