package dev.coffer.credentials;

import dev.coffer.config.CofferConfig;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.local.LocalStack;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Turns the credentials configuration into a named provider. Never reads {@code ~/.aws}. */
public final class CredentialsResolver {
    private CredentialsResolver() {
    }

    public static ResolvedCredentials resolve(CofferConfig config) {
        CredentialsConfig c = config.aws().credentials();
        if (config.local()) {
            return new ResolvedCredentials("local", "embedded",
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalStack.ACCESS_KEY_ID, LocalStack.SECRET_ACCESS_KEY)),
                    LocalStack.ACCESS_KEY_ID, Optional.empty());
        }
        if (c.accessKeyId().isPresent() && c.secretAccessKey().isPresent()) {
            String keyId = c.accessKeyId().get();
            if (c.sessionToken().isPresent()) {
                return new ResolvedCredentials("session", c.keySource(),
                        StaticCredentialsProvider.create(AwsSessionCredentials.create(keyId,
                                c.secretAccessKey().get().reveal(), c.sessionToken().get().reveal())),
                        keyId, c.expiration());
            }
            return new ResolvedCredentials("static", c.keySource(),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, c.secretAccessKey().get().reveal())),
                    keyId, Optional.empty());
        }
        throw new CofferException(ErrorCode.NO_CREDENTIALS,
                "no AWS credentials found (tried: environment AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, .env, coffer.toml)",
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or remove the AWS endpoints to run on the embedded default");
    }
}
