package dev.coffer.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file as docker compose, python-dotenv and the AWS tools write it:
 * {@code NAME=value}, optional {@code export}, single or double quotes, {@code #} comments.
 * Variable expansion is deliberately not done: a secret containing {@code $} must arrive intact.
 */
final class DotEnv {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DotEnv() {
    }

    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read the .env file (" + e.getClass().getSimpleName() + ")");
        }
        return parse(lines, file.getFileName().toString());
    }

    static Map<String, String> parse(List<String> lines, String fileName) {
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String where = fileName + " line " + (i + 1);
            if (eq <= 0) {
                throw new ConfigException(where, "expected NAME=value");
            }
            String name = line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(where, "'" + name + "' is not a valid variable name");
            }
            values.put(name, unquote(line.substring(eq + 1).strip(), where));
        }
        return values;
    }

    private static String unquote(String raw, String where) {
        if (raw.startsWith("\"") || raw.startsWith("'")) {
            char quote = raw.charAt(0);
            int end = raw.indexOf(quote, 1);
            if (end < 0) {
                throw new ConfigException(where, "unterminated quoted value");
            }
            String inner = raw.substring(1, end);
            return quote == '"' ? inner.replace("\\n", "\n").replace("\\\"", "\"") : inner;
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }
}
