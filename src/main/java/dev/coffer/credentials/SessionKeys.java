package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Temporary keys with {@code AWS_SESSION_TOKEN}; their expiry comes from
 * {@code AWS_CREDENTIAL_EXPIRATION} (as aws-vault, granted and {@code aws configure
 * export-credentials} write it). They cannot be refreshed: a reload (SIGHUP) swaps in new ones.
 */
final class SessionKeys implements CredentialSource {
    @Override
    public Lookup find(CredentialsConfig c) {
        if (!StaticKeys.present(c)) {
            return new NotFound(StaticKeys.NOT_SET);
        }
        StaticKeys.requireBoth(c, CredentialsMode.SESSION);
        if (c.sessionToken().isEmpty()) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "mode session needs AWS_SESSION_TOKEN with the temporary keys",
                    "export the full set (aws configure export-credentials --format env), or use mode static for IAM user keys");
        }
        return new Found(CredentialsMode.SESSION, c.keySource(), StaticCredentialsProvider.create(AwsSessionCredentials.create(
                c.accessKeyId().get(), c.secretAccessKey().get().reveal(), c.sessionToken().get().reveal())),
                c.expiration(), List.of());
    }
}
