package dev.coffer.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where AWS credentials come from, always named ({@code aws.credentials.mode}). The
 * {@code credentials} package maps each mode to the sources it tries, in order.
 */
public enum CredentialsMode {
    /** The embedded servers' fixed keys; only against the embedded servers. */
    LOCAL("local"),
    /** Explicit keys, then container, web identity, instance profile; never {@code ~/.aws}. */
    AUTO("auto"),
    /** Long-lived IAM user keys. */
    STATIC("static"),
    /** Temporary keys with a session token. */
    SESSION("session"),
    /** The platform's role: container credentials, web identity, or the EC2 instance profile. */
    ROLE("role"),
    /** A named profile from the shared AWS files, chosen explicitly. */
    PROFILE("profile"),
    /** A named SSO profile, chosen explicitly. */
    SSO("sso"),
    /** A role assumed on top of what {@code auto} finds. */
    ASSUME_ROLE("assume-role");

    private final String label;

    CredentialsMode(String label) {
        this.label = label;
    }

    /** The name as written in configuration, logs and /health. */
    public String label() {
        return label;
    }

    public static Optional<CredentialsMode> parse(String text) {
        String wanted = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.label.equals(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return label;
    }
}
