package dev.coffer.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import dev.coffer.support.OpaqueTokens;
import dev.coffer.support.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Page cursors: DynamoDB's LastEvaluatedKey, opaque to clients and sealed with an HMAC bound to
 * the user, the collection and the whole query that made it (index, {@code eq}, {@code prefix},
 * {@code from}, {@code to}, order; not {@code limit}, which may change from page to page). A
 * cursor that was altered, or that comes from another user or another query, is refused (400)
 * before any DynamoDB call: used with another query it would start that query at a key it never
 * reached, a wrong page. The key's user_id and attribute names are checked again.
 */
final class Cursors {
    private final OpaqueTokens tokens;

    Cursors(Secret signingKey) {
        this.tokens = new OpaqueTokens(signingKey, "coffer-cursor-v1");
    }

    String encode(String userId, Collection c, QuerySpec spec, Map<String, AttributeValue> lastKey) {
        ObjectNode k = Json.mapper().createObjectNode();
        lastKey.forEach((name, value) -> {
            ObjectNode typed = k.putObject(name);
            if (value.n() != null) {
                typed.put("N", value.n());
            } else {
                typed.put("S", value.s());
            }
        });
        return tokens.seal(k.toString().getBytes(StandardCharsets.UTF_8), binding(userId, c, spec));
    }

    Map<String, AttributeValue> decode(String cursor, String userId, Collection c, QuerySpec spec) {
        byte[] payload = tokens.open(cursor, binding(userId, c, spec)).orElseThrow(Cursors::invalid);
        try {
            JsonNode k = Json.mapper().readTree(payload);
            var lastKey = new LinkedHashMap<String, AttributeValue>();
            k.fields().forEachRemaining(e -> lastKey.put(e.getKey(), e.getValue().has("N")
                    ? AttributeValue.fromN(e.getValue().get("N").asText()) : AttributeValue.fromS(e.getValue().path("S").asText())));
            AttributeValue owner = lastKey.get(Collection.USER_ID);
            if (owner == null || !userId.equals(owner.s()) || !lastKey.keySet().equals(keyNames(c, spec))) {
                throw invalid();
            }
            return lastKey;
        } catch (IOException e) {
            throw invalid();
        }
    }

    /**
     * The attributes of a LastEvaluatedKey of this query: the table's keys, and the index key too
     * when it runs on an index. A cursor made before the collection's keys were renamed no longer
     * fits, and DynamoDB would refuse it.
     */
    private static Set<String> keyNames(Collection c, QuerySpec spec) {
        var names = new HashSet<>(Set.of(Collection.USER_ID, c.sortKey()));
        spec.index().flatMap(c::index).ifPresent(i -> names.add(i.key()));
        return names;
    }

    /** The query, written unambiguously (a JSON array; an absent part is null, never ""). */
    private static String binding(String userId, Collection c, QuerySpec spec) {
        ArrayNode query = Json.mapper().createArrayNode().add("records").add(userId).add(c.name());
        for (Optional<String> part : List.of(spec.index(), spec.eq(), spec.prefix(), spec.from(), spec.to())) {
            query.add(part.orElse(null));
        }
        return query.add(spec.descending() ? "desc" : "asc").toString();
    }

    private static CofferException invalid() {
        return new CofferException(ErrorCode.VALIDATION_FAILED, "'cursor' is not valid for this query: a cursor continues only the query that returned it");
    }
}
