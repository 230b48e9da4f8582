package dev.coffer.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, tamper-proof tokens handed to clients (page cursors): the payload in base64url and an
 * HMAC-SHA256 that also covers a binding the client never sees (the user, the query), under a key
 * derived for one purpose from the server's secret. Thread-safe.
 */
public final class OpaqueTokens {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;
    private static final int MAX_TOKEN_CHARS = 4096;
    private final byte[] key;

    /** {@code purpose} separates keys: a token made for one purpose never verifies for another. */
    public OpaqueTokens(Secret secret, String purpose) {
        this.key = hmac(secret.reveal().getBytes(StandardCharsets.UTF_8), purpose.getBytes(StandardCharsets.UTF_8));
    }

    public String seal(byte[] payload, String binding) {
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(payload, binding));
    }

    /** The payload of a token sealed with the same binding; empty for anything else. */
    public Optional<byte[]> open(String token, String binding) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            byte[] payload = DECODER.decode(token.substring(0, dot));
            byte[] given = DECODER.decode(token.substring(dot + 1));
            return MessageDigest.isEqual(given, mac(payload, binding)) ? Optional.of(payload) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] payload, String binding) {
        byte[] bound = binding.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[bound.length + 1 + payload.length];
        System.arraycopy(bound, 0, message, 0, bound.length);
        System.arraycopy(payload, 0, message, bound.length + 1, payload.length);
        return Arrays.copyOf(hmac(key, message), MAC_BYTES);
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
