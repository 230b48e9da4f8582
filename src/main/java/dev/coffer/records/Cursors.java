package dev.coffer.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import dev.coffer.support.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Page cursors: DynamoDB's LastEvaluatedKey, opaque to clients and signed with an HMAC that also
 * covers the user, collection and index it belongs to. A cursor that was altered, or that comes
 * from another user or another query, is refused (400) before any DynamoDB call; the key's
 * user_id is checked again on the way in.
 */
final class Cursors {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;
    private static final int MAX_CURSOR_CHARS = 4096;
    private final byte[] key;

    /** Derives the cursor key from the token signing key, so neither can stand in for the other. */
    Cursors(Secret signingKey) {
        this.key = hmac(signingKey.reveal().getBytes(StandardCharsets.UTF_8), "coffer-cursor-v1".getBytes(StandardCharsets.UTF_8));
    }

    String encode(String userId, String collection, String index, Map<String, AttributeValue> lastKey) {
        ObjectNode payload = Json.mapper().createObjectNode();
        payload.put("c", collection);
        payload.put("i", index);
        ObjectNode k = payload.putObject("k");
        lastKey.forEach((name, value) -> {
            ObjectNode typed = k.putObject(name);
            if (value.n() != null) {
                typed.put("N", value.n());
            } else {
                typed.put("S", value.s());
            }
        });
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(userId, body));
    }

    Map<String, AttributeValue> decode(String cursor, String userId, String collection, String index) {
        if (cursor.length() > MAX_CURSOR_CHARS) {
            throw invalid();
        }
        int dot = cursor.indexOf('.');
        if (dot <= 0 || dot != cursor.lastIndexOf('.')) {
            throw invalid();
        }
        byte[] body;
        byte[] given;
        try {
            body = DECODER.decode(cursor.substring(0, dot));
            given = DECODER.decode(cursor.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(given, mac(userId, body))) {
            throw invalid();
        }
        try {
            JsonNode payload = Json.mapper().readTree(body);
            if (!collection.equals(payload.path("c").asText()) || !index.equals(payload.path("i").asText())) {
                throw invalid();
            }
            var lastKey = new LinkedHashMap<String, AttributeValue>();
            payload.path("k").fields().forEachRemaining(e -> lastKey.put(e.getKey(), e.getValue().has("N")
                    ? AttributeValue.fromN(e.getValue().get("N").asText()) : AttributeValue.fromS(e.getValue().path("S").asText())));
            AttributeValue owner = lastKey.get(Collection.USER_ID);
            if (owner == null || !userId.equals(owner.s())) {
                throw invalid();
            }
            return lastKey;
        } catch (java.io.IOException e) {
            throw invalid();
        }
    }

    private byte[] mac(String userId, byte[] body) {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[user.length + 1 + body.length];
        System.arraycopy(user, 0, message, 0, user.length);
        System.arraycopy(body, 0, message, user.length + 1, body.length);
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

    private static CofferException invalid() {
        return new CofferException(ErrorCode.VALIDATION_FAILED, "the cursor is not valid for this query");
    }
}
