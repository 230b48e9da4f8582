package dev.coffer.support.logging;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The last line of defence against secrets in logs: every rendered log line passes through
 * {@link #mask}, which replaces registered secret values and anything shaped like an AWS secret
 * key or session token. Secrets are registered once, at configuration load.
 *
 * <p>A process-wide set on purpose: Logback itself is process-wide, and the appender that calls
 * this cannot be handed the configuration.
 */
public final class SecretMasker {
    private static final Set<String> KNOWN = new CopyOnWriteArraySet<>();
    /** An AWS secret access key is 40 base64 characters. */
    private static final int AWS_SECRET_UNITS = 40;
    /** Session tokens are long base64 runs (hundreds of characters). */
    private static final int SESSION_TOKEN_UNITS = 100;
    private static final String MASK = "****";

    private SecretMasker() {
    }

    /** Registers a value that must never appear in a log line. Values under 6 characters are ignored. */
    public static void register(String secret) {
        if (secret != null && secret.length() >= 6) {
            KNOWN.add(secret);
        }
    }

    public static String mask(String line) {
        String out = line;
        for (String secret : KNOWN) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return maskShapes(out);
    }

    /**
     * Masks what is shaped like an unregistered AWS secret: a run of base64 characters of 100 or
     * more (a session token), one of exactly 40 (a secret access key), and 40 characters that
     * stand between slashes inside a longer run, as a key does in a URL path
     * ({@code /api/v1/files/wJal...KEY}), where the path's own slashes join it to the run. A run
     * counts {@code %2F} and {@code %2B} as the characters they encode, so a URL-encoded key is
     * one too. A run of 40 must mix upper and lower case, and 40 between slashes digits too, as a
     * random key does (all but about one in a thousand) and a path's words rarely do; and 40
     * between slashes hold at most 3 slashes. A path taken for a key costs a log line its
     * readability; a key taken for a path would cost the key.
     */
    static String maskShapes(String line) {
        StringBuilder out = null;
        int copied = 0;
        int[] units = new int[64];
        int n = line.length();
        int i = 0;
        while (i < n) {
            if (unitLength(line, i) == 0) {
                i++;
                continue;
            }
            int count = 0;
            while (i < n) {
                int length = unitLength(line, i);
                if (length == 0) {
                    break;
                }
                if (count + 1 >= units.length) {
                    units = java.util.Arrays.copyOf(units, units.length * 2);
                }
                units[count++] = i;
                i += length;
            }
            units[count] = i;
            boolean[] masked = secretUnits(line, units, count);
            if (masked == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            for (int u = 0; u < count; u++) {
                if (masked[u] && (u == 0 || !masked[u - 1])) {
                    out.append(line, copied, units[u]).append(MASK);
                }
                if (masked[u]) {
                    copied = units[u + 1];
                }
            }
            if (count >= SESSION_TOKEN_UNITS) {
                // A token's padding goes with it.
                while (copied < n && copied < units[count] + 2 && line.charAt(copied) == '=') {
                    copied++;
                }
            }
        }
        if (out == null) {
            return line;
        }
        return out.append(line, copied, n).toString();
    }

    /** Which of a run's {@code count} units (starting at {@code units[0..count]}) are a secret; null for none. */
    private static boolean[] secretUnits(String line, int[] units, int count) {
        if (count >= SESSION_TOKEN_UNITS || count == AWS_SECRET_UNITS
                && !(units[count] < line.length() && line.charAt(units[count]) == '=') && mixes(line, units[0], units[count], false)) {
            boolean[] all = new boolean[count];
            java.util.Arrays.fill(all, true);
            return all;
        }
        if (count < AWS_SECRET_UNITS) {
            return null;
        }
        boolean[] masked = null;
        for (int start = 0; start + AWS_SECRET_UNITS <= count; start++) {
            int end = start + AWS_SECRET_UNITS;
            if ((start == 0 || isSlash(line, units[start - 1])) && (end == count || isSlash(line, units[end]))
                    && mixes(line, units[start], units[end], true) && fewSlashes(line, units[start], units[end])) {
                if (masked == null) {
                    masked = new boolean[count];
                }
                java.util.Arrays.fill(masked, start, end, true);
            }
        }
        return masked;
    }

    /** 1 for a base64 character, 3 for {@code %2F} or {@code %2B}, 0 for anything else. */
    private static int unitLength(String line, int i) {
        char c = line.charAt(i);
        if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '+') {
            return 1;
        }
        if (c == '%' && i + 2 < line.length() && line.charAt(i + 1) == '2') {
            char d = line.charAt(i + 2);
            if (d == 'F' || d == 'f' || d == 'B' || d == 'b') {
                return 3;
            }
        }
        return 0;
    }

    private static boolean isSlash(String line, int i) {
        return line.charAt(i) == '/' || line.charAt(i) == '%' && (line.charAt(i + 2) == 'F' || line.charAt(i + 2) == 'f');
    }

    /** Upper and lower case letters (and digits, when {@code withDigit}): what a random key has and most words lack. */
    private static boolean mixes(String line, int from, int to, boolean withDigit) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
        }
        return upper && lower && (digit || !withDigit);
    }

    /** A random key holds about 0.6 slashes and more than 3 in one of 300 keys; a path of short words holds many. */
    private static boolean fewSlashes(String line, int from, int to) {
        int slashes = 0;
        for (int i = from; i < to; i++) {
            if (isSlash(line, i)) {
                slashes++;
            }
        }
        return slashes <= 3;
    }
}
