package dev.coffer.config;

/**
 * A configuration value that cannot be used. Start-up stops with exit code 2 and
 * {@link #getMessage()} as its one line: the key, where it came from, and the reason.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
