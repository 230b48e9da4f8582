package dev.coffer.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The one immutable configuration, built once at start-up by {@link ConfigLoader} and passed to
 * every piece. Nothing else reads files or the environment for settings.
 */
public record CofferConfig(
        DeploymentMode mode,
        ServerConfig server,
        LogConfig log,
        Path dataDir,
        AwsConfig aws,
        StorageConfig storage,
        Duration healthCacheTtl,
        boolean provisionOnStart,
        Duration healthProbeInterval,
        AuthConfig auth,
        FilesConfig files,
        Map<String, CollectionConfig> collections,
        MetricsConfig metrics,
        EventsConfig events,
        UsageConfig usage) {

    public static final Duration DEFAULT_HEALTH_CACHE_TTL = Duration.ofSeconds(2);
    /** How often /health re-runs the harmless permission probes and the bucket-region check. */
    public static final Duration DEFAULT_HEALTH_PROBE_INTERVAL = Duration.ofMinutes(5);

    public CofferConfig {
        collections = Map.copyOf(collections);
    }

    public boolean local() {
        return mode == DeploymentMode.LOCAL;
    }

    /** A copy whose AWS endpoints and credentials point at the embedded servers. */
    public CofferConfig withAws(AwsConfig newAws) {
        return new CofferConfig(mode, server, log, dataDir, newAws, storage, healthCacheTtl, provisionOnStart, healthProbeInterval, auth, files,
                collections, metrics, events, usage);
    }
}
