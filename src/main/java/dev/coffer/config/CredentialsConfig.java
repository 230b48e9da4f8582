package dev.coffer.config;

import dev.coffer.support.Secret;
import java.time.Instant;
import java.util.Optional;

/**
 * What the configuration says about AWS credentials. The {@code credentials} piece turns this
 * into a provider; secrets stay wrapped in {@link Secret} until the SDK needs them.
 *
 * @param mode the requested mode, as written ({@code local}, {@code auto}, {@code static}, ...)
 * @param keySource where the access key id came from ({@code environment}, {@code .env}, {@code coffer.toml})
 */
public record CredentialsConfig(
        String mode,
        Optional<String> accessKeyId,
        Optional<Secret> secretAccessKey,
        Optional<Secret> sessionToken,
        Optional<Instant> expiration,
        Optional<String> profile,
        String keySource) {
}
