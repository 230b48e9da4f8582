package dev.coffer.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * JSON values to DynamoDB attribute values and back, exactly: objects as maps, arrays as lists,
 * numbers as DynamoDB numbers (exact up to DynamoDB's 38 significant digits; beyond that the
 * value is refused rather than rounded), strings, booleans and null. Converting checks every
 * name, string, number and level of nesting against {@link DynamoDbLimits}, naming the path of a
 * value that breaks one. Also computes an item's size by DynamoDB's own rules, so the 400 KB
 * limit is enforced before calling AWS.
 */
final class ItemCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private ItemCodec() {
    }

    static Map<String, AttributeValue> toItem(ObjectNode object) {
        var item = new LinkedHashMap<String, AttributeValue>();
        object.fields().forEachRemaining(e -> item.put(DynamoDbLimits.name(e.getKey(), e.getKey()),
                toValue(e.getValue(), e.getKey(), 2)));
        return item;
    }

    /** {@code level} is the nesting level of a map or list here; the item is level 1. */
    private static AttributeValue toValue(JsonNode node, String path, int level) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                DynamoDbLimits.level(level, path);
                var map = new LinkedHashMap<String, AttributeValue>();
                node.fields().forEachRemaining(e -> map.put(DynamoDbLimits.name(e.getKey(), path + "." + e.getKey()),
                        toValue(e.getValue(), path + "." + e.getKey(), level + 1)));
                yield AttributeValue.fromM(map);
            }
            case ARRAY -> {
                DynamoDbLimits.level(level, path);
                var list = new ArrayList<AttributeValue>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    list.add(toValue(node.get(i), path + "[" + i + "]", level + 1));
                }
                yield AttributeValue.fromL(list);
            }
            case NUMBER -> AttributeValue.fromN(DynamoDbLimits.number(node.decimalValue(), path));
            case STRING -> AttributeValue.fromS(DynamoDbLimits.string(node.textValue(), path));
            case BOOLEAN -> AttributeValue.fromBool(node.booleanValue());
            case NULL -> AttributeValue.fromNul(true);
            default -> throw new CofferException(ErrorCode.VALIDATION_FAILED, "unsupported value at '" + path + "'");
        };
    }

    static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode object = NODES.objectNode();
        item.forEach((k, v) -> object.set(k, toJson(v)));
        return object;
    }

    static JsonNode toJson(AttributeValue value) {
        return switch (value.type()) {
            case M -> {
                ObjectNode object = NODES.objectNode();
                value.m().forEach((k, v) -> object.set(k, toJson(v)));
                yield object;
            }
            case L -> {
                ArrayNode array = NODES.arrayNode();
                value.l().forEach(v -> array.add(toJson(v)));
                yield array;
            }
            case N -> {
                BigDecimal number = new BigDecimal(value.n());
                yield number.scale() <= 0 && number.precision() - number.scale() <= 18
                        ? NODES.numberNode(number.longValueExact()) : NODES.numberNode(number);
            }
            case S -> NODES.textNode(value.s());
            case BOOL -> NODES.booleanNode(value.bool());
            case NUL -> NODES.nullNode();
            default -> NODES.textNode(String.valueOf(value));
        };
    }

    /** Item size by DynamoDB's rules (names + values; numbers about 1 byte per 2 digits + 1). */
    static int size(Map<String, AttributeValue> item) {
        int total = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            total += utf8(e.getKey()) + size(e.getValue());
        }
        return total;
    }

    private static int size(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> (v.n().replace("-", "").replace(".", "").length() + 1) / 2 + 1;
            case BOOL, NUL -> 1;
            case M -> {
                int s = 3;
                for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                    s += 1 + utf8(e.getKey()) + size(e.getValue());
                }
                yield s;
            }
            case L -> {
                int s = 3;
                for (AttributeValue x : v.l()) {
                    s += 1 + size(x);
                }
                yield s;
            }
            default -> 0;
        };
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static List<String> keys(ObjectNode node) {
        var keys = new ArrayList<String>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
