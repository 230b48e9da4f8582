package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Long-lived IAM user keys ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}), without a session token. */
final class StaticKeys implements CredentialSource {
    static final String NOT_SET = "environment keys: AWS_ACCESS_KEY_ID not set";

    @Override
    public Lookup find(CredentialsConfig c) {
        if (!present(c)) {
            return new NotFound(NOT_SET);
        }
        requireBoth(c, CredentialsMode.STATIC);
        if (c.sessionToken().isPresent()) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "mode static is for long-lived IAM user keys, but AWS_SESSION_TOKEN is set",
                    "use COFFER_AWS_CREDENTIALS_MODE=session for temporary keys, or unset AWS_SESSION_TOKEN");
        }
        // The one place the secret leaves its Secret wrapper: into the SDK's own holder.
        return new Found(CredentialsMode.STATIC, c.keySource(), StaticCredentialsProvider.create(
                AwsBasicCredentials.create(c.accessKeyId().get(), c.secretAccessKey().get().reveal())), Optional.empty(), List.of());
    }

    /** Whether any key is configured at all (a half pair is refused by {@link #requireBoth}). */
    static boolean present(CredentialsConfig c) {
        return c.accessKeyId().isPresent() || c.secretAccessKey().isPresent();
    }

    static void requireBoth(CredentialsConfig c, CredentialsMode mode) {
        if (c.accessKeyId().isEmpty() || c.secretAccessKey().isEmpty()) {
            throw missing(c, mode);
        }
    }

    static CofferException missing(CredentialsConfig c, CredentialsMode mode) {
        return new CofferException(ErrorCode.NO_CREDENTIALS, "mode " + mode + " needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                + (c.accessKeyId().isPresent() ? " (the secret is missing)" : ""), "set both, in the environment, .env or coffer.toml");
    }
}
