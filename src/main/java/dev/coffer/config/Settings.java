package dev.coffer.config;

import dev.coffer.support.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The merged raw values, keyed by dotted name, with typed readers. Every reader that rejects a
 * value throws {@link ConfigException} naming the key, the source and the reason, and never
 * quotes a secret value.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private final Map<String, Setting> values;
    private final EnvironmentNames.Variables variables;

    Settings(Map<String, Setting> values, EnvironmentNames.Variables variables) {
        this.values = Map.copyOf(values);
        this.variables = variables;
    }

    public static Settings of(Map<String, String> values) {
        var map = new java.util.HashMap<String, Setting>();
        values.forEach((k, v) -> map.put(k, new Setting(v, "test")));
        return new Settings(map, EnvironmentNames.Variables.NONE);
    }

    /**
     * The environment and {@code .env} variables that look like Coffer or AWS configuration, as
     * each source gave them: the per-collection table names and the unused-name warnings read them.
     */
    EnvironmentNames.Variables variables() {
        return variables;
    }

    public Optional<Setting> setting(ConfigKey key) {
        Setting s = values.get(key.name());
        return s == null || s.value().isBlank() ? Optional.empty() : Optional.of(s);
    }

    public boolean has(ConfigKey key) {
        return setting(key).isPresent();
    }

    public Optional<String> string(ConfigKey key) {
        return setting(key).map(s -> s.value().trim());
    }

    public String string(ConfigKey key, String fallback) {
        return string(key).orElse(fallback);
    }

    public Optional<Secret> secret(ConfigKey key) {
        return setting(key).map(s -> Secret.of(s.value().trim()));
    }

    public String sourceOf(ConfigKey key) {
        return setting(key).map(Setting::source).orElse("default");
    }

    public int integer(ConfigKey key, int fallback, int min, int max) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw.get());
        } catch (NumberFormatException e) {
            throw invalid(key, "'" + raw.get() + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw invalid(key, value + " is out of range " + min + ".." + max);
        }
        return value;
    }

    public long longValue(ConfigKey key, long fallback, long min, long max) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw invalid(key, "'" + raw.get() + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw invalid(key, value + " is out of range " + min + ".." + max);
        }
        return value;
    }

    public boolean bool(ConfigKey key, boolean fallback) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw invalid(key, "'" + raw.get() + "' is not true or false");
        };
    }

    public Duration duration(ConfigKey key, Duration fallback, Duration min, Duration max) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        var m = DURATION.matcher(raw.get().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(key, "'" + raw.get() + "' is not a duration like 500ms, 10s, 15m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw invalid(key, raw.get() + " is out of range " + min + ".." + max);
        }
        return d;
    }

    public Optional<URI> url(ConfigKey key) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.get());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw invalid(key, "'" + raw.get() + "' is not an http(s) URL");
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw invalid(key, "'" + raw.get() + "' has no host");
            }
            if (uri.getUserInfo() != null) {
                throw invalid(key, "URL must not carry user info");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw invalid(key, "'" + raw.get() + "' is not a valid URL (" + e.getReason() + ")");
        }
    }

    public Optional<Instant> instant(ConfigKey key) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(raw.get()).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(Instant.parse(raw.get()));
            } catch (DateTimeParseException e2) {
                throw invalid(key, "'" + raw.get() + "' is not an ISO-8601 time like 2026-01-31T12:00:00Z");
            }
        }
    }

    public Path path(ConfigKey key, Path fallback) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            return Path.of(raw.get());
        } catch (InvalidPathException e) {
            throw invalid(key, "'" + raw.get() + "' is not a valid path");
        }
    }

    public String oneOf(ConfigKey key, String fallback, Set<String> allowed) {
        String value = string(key, fallback).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw invalid(key, "'" + value + "' is not one of " + new java.util.TreeSet<>(allowed));
        }
        return value;
    }

    /** A rejection naming the key and where its value came from. */
    public ConfigException invalid(ConfigKey key, String reason) {
        String source = sourceOf(key);
        String where = source.equals("default") ? "" : " (from " + source + ")";
        return new ConfigException(key.name() + where, reason);
    }
}
