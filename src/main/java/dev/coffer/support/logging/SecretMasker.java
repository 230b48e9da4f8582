package dev.coffer.support.logging;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

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
    /** 40 base64 characters standing alone: the shape of an AWS secret access key. */
    private static final Pattern AWS_SECRET = Pattern.compile("(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");
    /** Session tokens are long base64 runs (hundreds of characters). */
    private static final Pattern SESSION_TOKEN = Pattern.compile("[A-Za-z0-9/+]{100,}={0,2}");
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
        // Both shapes are runs of 40 or more base64 characters: a line without one (most lines,
        // e.g. every access log line) needs neither regular expression, which cost a fifth of
        // the access log's time.
        if (!hasBase64Run(out, 40)) {
            return out;
        }
        out = SESSION_TOKEN.matcher(out).replaceAll(MASK);
        return AWS_SECRET.matcher(out).replaceAll(MASK);
    }

    /** True when {@code text} holds at least {@code length} characters of {@code [A-Za-z0-9/+]} in a row. */
    static boolean hasBase64Run(String text, int length) {
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '+') {
                if (++run >= length) {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        return false;
    }
}
