package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import dev.coffer.local.EmbeddedServers;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The embedded servers' fixed keys: mode {@code local}, only ever against the embedded servers. */
final class LocalKeys implements CredentialSource {
    @Override
    public Lookup find(CredentialsConfig config) {
        return new Found(CredentialsMode.LOCAL, "embedded", StaticCredentialsProvider.create(
                AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY)),
                Optional.empty(), List.of());
    }
}
