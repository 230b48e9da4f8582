package dev.coffer.support;

import java.util.Objects;

/**
 * A secret value (AWS secret key, session token, signing key). Its {@code toString} never
 * shows the value, so a secret that slips into a log statement or an exception message is
 * masked. Read the value only at the point where it is handed to the library that needs it.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The clear value: call only where a library needs it. */
    public String reveal() {
        return value;
    }

    public boolean isBlank() {
        return value.isBlank();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && java.security.MessageDigest.isEqual(
                s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // deliberately constant: a hash of a secret is a small leak
    }

    @Override
    public String toString() {
        return "****";
    }
}
