package dev.coffer.config;

import dev.coffer.support.Secret;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether and where {@code GET /metrics} is served. Off unless configured: the exposition names
 * tables, routes and traffic, and Coffer listens on every interface against AWS, so an operator
 * opts in by saying how it is protected.
 *
 * @param token the bearer token a scraper must send ({@code Authorization: Bearer ...}), compared
 *     in constant time; when set, {@code /metrics} on the API port answers only with it
 * @param port a separate listener (on {@code server.host}) that serves only {@code /metrics}, for
 *     networks where the management port is reachable by the scraper alone; it asks for the token
 *     too when one is set
 */
public record MetricsConfig(Optional<Secret> token, OptionalInt port) {
    /** Shorter tokens are refused: a scraper's token is stored in a file, so length costs nothing. */
    public static final int MIN_TOKEN_LENGTH = 16;
    public static final MetricsConfig OFF = new MetricsConfig(Optional.empty(), OptionalInt.empty());

    public MetricsConfig {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(port, "port");
        if (token.isPresent() && token.get().reveal().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("the metrics token must be at least " + MIN_TOKEN_LENGTH + " characters");
        }
        if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("metrics port must be 0..65535");
        }
    }

    /** Whether metrics are collected at all (a token or a port is configured). */
    public boolean enabled() {
        return token.isPresent() || port.isPresent();
    }

    static MetricsConfig from(Settings s) {
        Optional<Secret> token = s.secret(ConfigKeys.METRICS_TOKEN).filter(t -> !t.isBlank());
        if (token.isPresent() && token.get().reveal().length() < MIN_TOKEN_LENGTH) {
            throw s.invalid(ConfigKeys.METRICS_TOKEN, "too short: use at least " + MIN_TOKEN_LENGTH
                    + " random characters, e.g. the output of 'openssl rand -hex 32'");
        }
        OptionalInt port = s.has(ConfigKeys.METRICS_PORT)
                ? OptionalInt.of(s.integer(ConfigKeys.METRICS_PORT, 0, 0, 65_535)) : OptionalInt.empty();
        return new MetricsConfig(token, port);
    }
}
