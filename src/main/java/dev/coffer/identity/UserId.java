package dev.coffer.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one name of a user, from authentication down to the DynamoDB partition key and the S3 key
 * prefix. Every way a user is named (Coffer's own token, a service key's {@code X-Coffer-User},
 * an external issuer's {@code sub}) becomes a {@code UserId} at the edge, through {@link #parse};
 * past the edge, code takes this type and never a raw string, so a value that could walk out of
 * its partition or prefix ({@code ..}, {@code /}, control characters) cannot exist.
 *
 * <p>A valid id is 1 to {@value #MAX_LENGTH} characters of {@code A-Z a-z 0-9 . _ : @ | + -},
 * and is not made of dots only (a dots-only S3 key segment is a relative path to S3 clients,
 * consoles and sync tools).
 */
public record UserId(String value) {
    /** The longest id accepted: room for a UUID, an email-shaped id or a derived external id. */
    public static final int MAX_LENGTH = 128;
    /** What every external identity's id starts with; Coffer's own accounts are UUIDs and never do. */
    public static final String EXTERNAL_PREFIX = "ext-";
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:@|+-]{1," + MAX_LENGTH + "}");
    private static final Pattern DOTS_ONLY = Pattern.compile("\\.+");

    public UserId {
        Objects.requireNonNull(value, "value");
        Optional<String> problem = problemWith(value);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("invalid user id: " + problem.get());
        }
    }

    /** The id named by {@code raw}, or empty when it is not a valid id (see the class comment). */
    public static Optional<UserId> parse(String raw) {
        return raw != null && problemWith(raw).isEmpty() ? Optional.of(new UserId(raw)) : Optional.empty();
    }

    /**
     * Why {@code raw} is not a valid id ("must be 1 to 128 characters", ...), or empty when it is.
     * The reason names no part of the value, so it may be shown to a client.
     */
    public static Optional<String> problemWith(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH) {
            return Optional.of("must be 1 to " + MAX_LENGTH + " characters");
        }
        if (!ALLOWED.matcher(raw).matches()) {
            return Optional.of("may contain only letters, digits and . _ : @ | + -");
        }
        if (DOTS_ONLY.matcher(raw).matches()) {
            return Optional.of("must not be made of dots only");
        }
        return Optional.empty();
    }

    /**
     * The id of the user {@code subject} of the external issuer {@code issuer}: {@code ext-} and
     * the first 32 hex digits of SHA-256 over issuer, a NUL and subject. Derived, never taken as
     * given, so no issuer can name a local account (UUIDs) or another issuer's user, and any
     * {@code sub} an issuer uses (up to 255 characters of anything) maps to a valid id.
     */
    public static UserId external(String issuer, String subject) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((issuer + "\u0000" + subject).getBytes(StandardCharsets.UTF_8));
            return new UserId(EXTERNAL_PREFIX + HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
