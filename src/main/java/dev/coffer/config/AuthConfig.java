package dev.coffer.config;

import dev.coffer.support.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of the auth piece.
 *
 * @param secretKey signs access tokens; required (32+ bytes) outside local mode, generated and
 *                  kept in the data dir on the embedded default
 * @param serviceKeyHashes SHA-256 (hex, lower case) of every accepted service key
 * @param deletionSweepInterval how often unfinished account deletions are finished in the background
 * @param clockLeeway how far past {@code exp} (and before {@code nbf}) a token is still accepted,
 *                    for Coffer's own and OIDC tokens alike; 0 to 5 minutes
 */
public record AuthConfig(Optional<Secret> secretKey, Duration accessTokenTtl, Duration refreshTokenTtl,
                         int passwordMinLength, int passwordMaxLength, int fullNameMaxLength,
                         int argon2MemoryKib, int argon2Iterations, int argon2Parallelism,
                         int loginMaxFailures, Duration loginFailureWindow, List<String> serviceKeyHashes,
                         Duration deletionSweepInterval, Optional<URI> oidcIssuer, Optional<String> oidcAudience,
                         Duration clockLeeway) {
    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_DELETION_SWEEP_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CLOCK_LEEWAY = Duration.ofSeconds(30);
    public static final Duration MAX_CLOCK_LEEWAY = Duration.ofMinutes(5);
    /** The most argon2 cost settable, and so the most a stored password hash is ever computed with. */
    public static final int MAX_ARGON2_MEMORY_KIB = 4 * 1024 * 1024;
    public static final int MAX_ARGON2_ITERATIONS = 100;
    public static final int MAX_ARGON2_PARALLELISM = 16;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public AuthConfig {
        serviceKeyHashes = List.copyOf(serviceKeyHashes);
        if (clockLeeway.isNegative() || clockLeeway.compareTo(MAX_CLOCK_LEEWAY) > 0) {
            throw new IllegalArgumentException("clock leeway must be 0.." + MAX_CLOCK_LEEWAY);
        }
    }

    static AuthConfig from(Settings s) {
        int min = s.integer(ConfigKeys.PASSWORD_MIN, 8, 8, 1024);
        int max = s.integer(ConfigKeys.PASSWORD_MAX, 128, 8, 4096);
        if (max < min) {
            throw s.invalid(ConfigKeys.PASSWORD_MAX, "must not be below auth.password_min_length (" + min + ")");
        }
        var hashes = new ArrayList<String>();
        s.string(ConfigKeys.SERVICE_KEYS).ifPresent(raw -> {
            for (String entry : raw.split(",")) {
                String trimmed = entry.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String hash = (trimmed.contains("=") ? trimmed.substring(trimmed.indexOf('=') + 1) : trimmed).trim().toLowerCase(Locale.ROOT);
                if (!SHA256_HEX.matcher(hash).matches()) {
                    throw s.invalid(ConfigKeys.SERVICE_KEYS, "entries must be SHA-256 hashes (64 hex digits), as 'coffer keys new' prints"
                            + " (never the key itself)");
                }
                hashes.add(hash);
            }
        });
        Optional<URI> issuer = s.url(ConfigKeys.OIDC_ISSUER);
        Optional<String> audience = s.string(ConfigKeys.OIDC_AUDIENCE);
        if (issuer.isPresent() && audience.isEmpty()) {
            throw s.invalid(ConfigKeys.OIDC_AUDIENCE, "is required with auth.oidc.issuer (the app client id), "
                    + "or any token of that issuer would be accepted");
        }
        return new AuthConfig(s.secret(ConfigKeys.SECRET_KEY),
                s.duration(ConfigKeys.ACCESS_TOKEN_TTL, DEFAULT_ACCESS_TOKEN_TTL, Duration.ofMinutes(1), Duration.ofHours(24)),
                s.duration(ConfigKeys.REFRESH_TOKEN_TTL, Duration.ofDays(30), Duration.ofMinutes(5), Duration.ofDays(365)),
                min, max, s.integer(ConfigKeys.FULL_NAME_MAX, 100, 1, 1000),
                s.integer(ConfigKeys.ARGON2_MEMORY, 19_456, 1024, MAX_ARGON2_MEMORY_KIB),
                s.integer(ConfigKeys.ARGON2_ITERATIONS, 2, 1, MAX_ARGON2_ITERATIONS),
                s.integer(ConfigKeys.ARGON2_PARALLELISM, 1, 1, MAX_ARGON2_PARALLELISM),
                s.integer(ConfigKeys.LOGIN_MAX_FAILURES, 5, 1, 1000),
                s.duration(ConfigKeys.LOGIN_WINDOW, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofDays(1)),
                hashes,
                s.duration(ConfigKeys.DELETION_SWEEP_INTERVAL, DEFAULT_DELETION_SWEEP_INTERVAL, Duration.ofSeconds(10), Duration.ofDays(1)),
                issuer, audience,
                s.duration(ConfigKeys.CLOCK_LEEWAY, DEFAULT_CLOCK_LEEWAY, Duration.ZERO, MAX_CLOCK_LEEWAY));
    }
}
