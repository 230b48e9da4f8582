package dev.coffer.config;

import dev.coffer.support.Secret;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the auth piece.
 *
 * @param secretKey signs access tokens; required (32+ bytes) outside local mode, generated and
 *                  kept in the data dir on the embedded default
 * @param accessTokenTtl lifetime of access tokens
 */
public record AuthConfig(Optional<Secret> secretKey, Duration accessTokenTtl) {
    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(15);

    static AuthConfig from(Settings s) {
        return new AuthConfig(s.secret(ConfigKeys.SECRET_KEY),
                s.duration(ConfigKeys.ACCESS_TOKEN_TTL, DEFAULT_ACCESS_TOKEN_TTL, Duration.ofMinutes(1), Duration.ofHours(24)));
    }
}
