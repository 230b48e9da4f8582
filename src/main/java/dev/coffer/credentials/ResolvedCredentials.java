package dev.coffer.credentials;

import dev.coffer.config.CredentialsMode;
import dev.coffer.support.Masking;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Credentials chosen at start-up: the mode and source that were used (always named, never
 * guessed), the guarded SDK provider that holds the secrets, the access key id (shown masked
 * only) and the expiry when known.
 */
public record ResolvedCredentials(CredentialsMode mode, String source, GuardedCredentialsProvider guard, String accessKeyId) {

    public AwsCredentialsProvider provider() {
        return guard;
    }

    public Optional<Instant> expiration() {
        return guard.expiry();
    }

    public String maskedAccessKeyId() {
        return Masking.accessKeyId(accessKeyId);
    }

    @Override
    public String toString() {
        return "ResolvedCredentials[mode=" + mode + ", source=" + source + ", key=" + maskedAccessKeyId() + "]";
    }
}
