package dev.coffer.config;

import dev.coffer.support.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP listener and its limits.
 *
 * @param trustedProxies the proxies whose {@code X-Forwarded-For} is believed; empty trusts nobody
 * @param requestTimeout how long a request's headers may take to arrive, and its body keep the
 *     server waiting beyond what {@code minRequestDataRate} earns (see README, "Slow clients")
 * @param minRequestDataRate bytes per second of body that extend {@code requestTimeout} by one second
 * @param maxConnectionsPerAddress connections open at once from one client address (requests in
 *     flight for a client behind a trusted proxy)
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int maxConcurrentRequests, Duration idleTimeout,
                           List<Cidr> trustedProxies, Duration requestTimeout, long minRequestDataRate,
                           int maxConnectionsPerAddress) {
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 512;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Apache's mod_reqtimeout default for headers and for the start of a body: a real client's
     * headers arrive in one or two packets, so 20 s is generous on the worst mobile link, while a
     * trickle holds its thread for no longer than this.
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(20);
    /**
     * 1 KiB/s: well under the slowest uplink a real client has (2G EDGE sends several KB/s), so no
     * real upload is cut, while a body trickled at a few bytes a second gains nothing over
     * {@link #DEFAULT_REQUEST_TIMEOUT}.
     */
    public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 1024;
    /** More than any one browser or app opens (browsers open 6 per host), fewer than the 512 request slots. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("max body must be at least 1 KiB");
        }
        trustedProxies = List.copyOf(trustedProxies);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
        if (minRequestDataRate < 1) {
            throw new IllegalArgumentException("min request data rate must be at least 1 byte per second");
        }
        if (maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("max connections per address must be at least 1");
        }
    }

    /** A listener with the default slow-client limits, trusting no proxy. */
    public ServerConfig(String host, int port, long maxBodyBytes, int maxConcurrentRequests, Duration idleTimeout) {
        this(host, port, maxBodyBytes, maxConcurrentRequests, idleTimeout, List.of(), DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MIN_REQUEST_DATA_RATE, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }
}
