package dev.coffer.auth;

import dev.coffer.config.AuthConfig;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An argon2id hash as a PHC string, {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>}
 * with salt and hash in standard base64 without padding: what password4j wrote for Coffer before and
 * what {@link Argon2Hasher} writes now, so stored hashes of either verify alike.
 *
 * <p>The arrays are the caller's, not copies: this lives for one hash or one check.
 */
record Argon2idPhc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
    /** 8 is argon2's floor for salts; Coffer writes 16-byte salts and 32-byte hashes, other tools' sizes fit these bounds. */
    static final int MIN_SALT_BYTES = 8;
    static final int MAX_SALT_BYTES = 64;
    static final int MIN_HASH_BYTES = 16;
    static final int MAX_HASH_BYTES = 64;
    /** Decimal without sign or leading zeros, at most 10 digits so it fits a long before the range check. */
    private static final String NUMBER = "([1-9][0-9]{0,9})";
    private static final Pattern FORMAT = Pattern.compile("\\$argon2id\\$v=19\\$m=" + NUMBER + ",t=" + NUMBER + ",p=" + NUMBER
            + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

    Argon2idPhc {
        if (memoryKib < 8 * parallelism || memoryKib > AuthConfig.MAX_ARGON2_MEMORY_KIB
                || iterations < 1 || iterations > AuthConfig.MAX_ARGON2_ITERATIONS
                || parallelism < 1 || parallelism > AuthConfig.MAX_ARGON2_PARALLELISM
                || salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES
                || hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
            throw new IllegalArgumentException("argon2id parameters out of range: m=" + memoryKib + ", t=" + iterations
                    + ", p=" + parallelism + ", salt " + salt.length + " bytes, hash " + hash.length + " bytes");
        }
    }

    /**
     * The hash in {@code stored}, or empty if it is not exactly this format or would cost more than
     * {@code maxMemoryKib} or Coffer's configurable ceilings: whoever can write the users table could
     * otherwise make each login of an account allocate gigabytes or run for minutes.
     */
    static Optional<Argon2idPhc> parse(String stored, int maxMemoryKib) {
        if (stored == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(stored);
        if (!m.matches()) {
            return Optional.empty();
        }
        long memory = Long.parseLong(m.group(1));
        long iterations = Long.parseLong(m.group(2));
        long parallelism = Long.parseLong(m.group(3));
        if (memory > maxMemoryKib || iterations > AuthConfig.MAX_ARGON2_ITERATIONS || parallelism > AuthConfig.MAX_ARGON2_PARALLELISM) {
            return Optional.empty();
        }
        Optional<byte[]> salt = base64(m.group(4));
        Optional<byte[]> hash = base64(m.group(5));
        if (salt.isEmpty() || hash.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Argon2idPhc((int) memory, (int) iterations, (int) parallelism, salt.get(), hash.get()));
        } catch (IllegalArgumentException outOfRange) {
            return Optional.empty();
        }
    }

    String encoded() {
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    /**
     * Only the one canonical spelling: the JDK decoder accepts non-zero leftover bits, so two strings
     * would decode to the same bytes without the round trip.
     */
    private static Optional<byte[]> base64(String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return ENCODER.encodeToString(bytes).equals(text) ? Optional.of(bytes) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
