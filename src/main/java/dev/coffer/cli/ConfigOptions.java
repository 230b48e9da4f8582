package dev.coffer.cli;

import dev.coffer.config.CofferConfig;
import dev.coffer.config.ConfigException;
import dev.coffer.config.ConfigKey;
import dev.coffer.config.ConfigKeys;
import dev.coffer.config.ConfigLoader;
import dev.coffer.support.logging.SecretMasker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command that reads configuration shares: {@code --config}, {@code --env-file}. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "coffer.toml to read (optional).")
    Path configFile;

    @Option(names = "--env-file", paramLabel = "FILE", description = ".env file to read. Default: .env in the working directory, if present.")
    Path envFile;

    /**
     * Loads the configuration with {@code flags} (dotted key to value) above every other source,
     * with the warnings about what is configured but unused, for the command to show.
     */
    ConfigLoader.Loaded load(Map<String, String> flags) {
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new ConfigException("--config", "file not found: " + configFile);
        }
        if (envFile != null && !Files.isRegularFile(envFile)) {
            throw new ConfigException("--env-file", "file not found: " + envFile);
        }
        var sources = new ConfigLoader.Sources(Optional.ofNullable(configFile),
                Optional.of(envFile != null ? envFile : Path.of(".env")), System.getenv(), flags);
        var settings = ConfigLoader.settings(sources);
        for (ConfigKey key : ConfigKeys.all()) {
            if (key.secret()) {
                settings.string(key).ifPresent(SecretMasker::register);
            }
        }
        return ConfigLoader.read(settings, ConfigLoader.collectionsNode(Optional.ofNullable(configFile)));
    }

    /**
     * Loads the configuration and prints its warnings to stderr ({@code coffer: warning: ...}), or
     * prints the one-line configuration error and returns empty (the command then exits with
     * {@link Main#EXIT_CONFIG}).
     */
    Optional<CofferConfig> loadOrReport(Map<String, String> flags) {
        try {
            ConfigLoader.Loaded loaded = load(flags);
            loaded.warnings().forEach(w -> System.err.println("coffer: warning: " + w.message()));
            return Optional.of(loaded.config());
        } catch (ConfigException e) {
            System.err.println("coffer: configuration error: " + e.getMessage());
            return Optional.empty();
        }
    }

    static Map<String, String> flags() {
        return new HashMap<>();
    }
}
