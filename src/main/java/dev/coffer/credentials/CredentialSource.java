package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * One place AWS credentials can come from, answering found or not found with the reason, so that
 * "nothing found" lists every source tried and why it was skipped (the AWS SDK v2 provider chain
 * is the model). Settings that contradict each other are refused with a {@code CofferException}
 * instead of a not-found.
 */
interface CredentialSource {

    Lookup find(CredentialsConfig config);

    /** What a source answered. */
    sealed interface Lookup permits Found, NotFound {
    }

    /**
     * Credentials found: the mode they count as ({@code auto} finds static keys, a role, ...), the
     * source named in logs and /health, the SDK provider that holds the secrets, the expiry the
     * configuration states (session keys), and what must be closed when they are replaced.
     */
    record Found(CredentialsMode mode, String source, AwsCredentialsProvider provider, Optional<Instant> configuredExpiry,
                 List<AutoCloseable> owned) implements Lookup {
        public Found {
            owned = List.copyOf(owned);
        }

        /** Releases what the source opened (SDK providers' refresh caches, a base layer); never throws. */
        void close() {
            for (AutoCloseable resource : owned) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(CredentialSource.class).debug("closing {} credentials failed", source, e);
                }
            }
        }
    }

    /** Not offered by the configuration or the platform; {@code reason} goes into the "nothing found" message. */
    record NotFound(String reason) implements Lookup {
    }

    /** The provider itself when it holds resources (the SDK's refreshing providers do). */
    static List<AutoCloseable> closing(AwsCredentialsProvider provider) {
        return provider instanceof AutoCloseable closeable ? List.of(closeable) : List.of();
    }
}
