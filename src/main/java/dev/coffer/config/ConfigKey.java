package dev.coffer.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration key: its dotted name in {@code coffer.toml}, the environment names that set
 * it (the canonical {@code COFFER_...} name first, then the names apps already use), whether its
 * value is secret, and a line for the configuration reference.
 */
public record ConfigKey(String name, List<String> envNames, boolean secret, String description) {

    public ConfigKey {
        envNames = List.copyOf(envNames);
    }

    static ConfigKey of(String name, String description, String... aliases) {
        return new ConfigKey(name, envNamesFor(name, aliases), false, description);
    }

    static ConfigKey secret(String name, String description, String... aliases) {
        return new ConfigKey(name, envNamesFor(name, aliases), true, description);
    }

    private static List<String> envNamesFor(String name, String... aliases) {
        String canonical = "COFFER_" + name.replace('.', '_').toUpperCase(Locale.ROOT);
        var names = new java.util.ArrayList<String>();
        names.add(canonical);
        for (String alias : aliases) {
            if (!alias.equals(canonical)) {
                names.add(alias);
            }
        }
        return names;
    }
}
