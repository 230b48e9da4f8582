package dev.coffer.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Request ids: a client's {@code X-Request-Id} is kept when it is short and plain (so traces join
 * up across services), otherwise a fresh random id is made. Never echoes arbitrary header bytes.
 */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    /** The id for a request whose client sent {@code given} (may be null). */
    static String assign(String given) {
        return given != null && SAFE.matcher(given).matches() ? given : fresh();
    }

    private static String fresh() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
