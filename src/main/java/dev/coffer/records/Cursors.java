package dev.coffer.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import dev.coffer.support.OpaqueTokens;
import dev.coffer.support.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Page cursors: DynamoDB's LastEvaluatedKey, opaque to clients and sealed with an HMAC bound to
 * the user, collection and index. A cursor that was altered, or that comes from another user or
 * another query, is refused (400) before any DynamoDB call; the key's user_id is checked again.
 */
final class Cursors {
    private final OpaqueTokens tokens;

    Cursors(Secret signingKey) {
        this.tokens = new OpaqueTokens(signingKey, "coffer-cursor-v1");
    }

    String encode(String userId, String collection, String index, Map<String, AttributeValue> lastKey) {
        ObjectNode k = Json.mapper().createObjectNode();
        lastKey.forEach((name, value) -> {
            ObjectNode typed = k.putObject(name);
            if (value.n() != null) {
                typed.put("N", value.n());
            } else {
                typed.put("S", value.s());
            }
        });
        return tokens.seal(k.toString().getBytes(StandardCharsets.UTF_8), binding(userId, collection, index));
    }

    Map<String, AttributeValue> decode(String cursor, String userId, String collection, String index) {
        byte[] payload = tokens.open(cursor, binding(userId, collection, index)).orElseThrow(Cursors::invalid);
        try {
            JsonNode k = Json.mapper().readTree(payload);
            var lastKey = new LinkedHashMap<String, AttributeValue>();
            k.fields().forEachRemaining(e -> lastKey.put(e.getKey(), e.getValue().has("N")
                    ? AttributeValue.fromN(e.getValue().get("N").asText()) : AttributeValue.fromS(e.getValue().path("S").asText())));
            AttributeValue owner = lastKey.get(Collection.USER_ID);
            if (owner == null || !userId.equals(owner.s())) {
                throw invalid();
            }
            return lastKey;
        } catch (IOException e) {
            throw invalid();
        }
    }

    private static String binding(String userId, String collection, String index) {
        return "records\u0000" + userId + "\u0000" + collection + "\u0000" + index;
    }

    private static CofferException invalid() {
        return new CofferException(ErrorCode.VALIDATION_FAILED, "the cursor is not valid for this query");
    }
}
