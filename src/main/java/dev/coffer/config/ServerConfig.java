package dev.coffer.config;

import java.time.Duration;

/** The HTTP listener and its limits. */
public record ServerConfig(String host, int port, long maxBodyBytes, int maxConcurrentRequests, Duration idleTimeout) {
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 512;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("max body must be at least 1 KiB");
        }
    }
}
