package dev.coffer.records;

import dev.coffer.config.CollectionConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every limit DynamoDB enforces on what the records piece sends it, in one place, checked before
 * the call: a client's value that breaks one is a 400 naming the field (413 for the item size),
 * never DynamoDB's {@code ValidationException} answered as a 502.
 *
 * <ul>
 *   <li>Key values: the partition key ({@code user_id}) 1-2048 bytes of UTF-8; the sort key and
 *       every index key (each index's sort key) 1-1024 bytes, and of the declared type. The same
 *       bounds hold for the values a query compares keys with ({@code eq}, {@code from},
 *       {@code to}, {@code prefix}).</li>
 *   <li>Numbers: at most 38 significant digits, magnitude 1E-130 to 9.99...E+125, or zero.</li>
 *   <li>Nesting: 32 levels, the item being the first (DynamoDB refuses a value wrapped in 32
 *       maps or lists, accepts 31).</li>
 *   <li>Attribute names (at any level): 1 byte to {@link #MAX_NAME_BYTES}; strings and names
 *       valid Unicode (a lone surrogate cannot be encoded as UTF-8: the SDK would store a '?' in
 *       its place, or DynamoDB fail).</li>
 *   <li>Item size: 400 KB as DynamoDB counts it ({@link ItemCodec#size}).</li>
 * </ul>
 * Stateless; thread-safe.
 */
final class DynamoDbLimits {
    static final int MAX_PARTITION_KEY_BYTES = 2048;
    static final int MAX_SORT_KEY_BYTES = 1024;
    /** Levels of nesting, counting the item itself as the first. */
    static final int MAX_LEVELS = 32;
    /**
     * DynamoDB takes attribute names under 64 KB; DynamoDB Local (the embedded default) fails
     * with an internal error on names over about 50 KB, so Coffer's bound is 32 KiB on every
     * backend: far beyond any real name, and the same answer everywhere.
     */
    static final int MAX_NAME_BYTES = 32 * 1024;
    static final int MAX_ITEM_BYTES = 400 * 1024;
    static final int MAX_DIGITS = 38;
    private static final int MAX_EXPONENT = 125;
    private static final int MIN_EXPONENT = -130;

    private DynamoDbLimits() {
    }

    /**
     * Checks every key attribute that {@code attributes} holds (table keys and index keys): type
     * and size. Attributes that are no key pass unchecked here; they were checked as they were
     * converted ({@link ItemCodec}).
     */
    static void checkKeys(Collection c, Map<String, AttributeValue> attributes) {
        AttributeValue partition = attributes.get(Collection.USER_ID);
        if (partition != null) {
            keyString(partition.s(), Collection.USER_ID, MAX_PARTITION_KEY_BYTES);
        }
        AttributeValue sortKey = attributes.get(c.sortKey());
        if (sortKey != null) {
            if (sortKey.s() == null) {
                throw invalid("'" + c.sortKey() + "' is the item id and must be a string");
            }
            sortKey(sortKey.s(), c.sortKey());
        }
        for (CollectionConfig.IndexConfig index : c.config().indexes()) {
            AttributeValue value = attributes.get(index.key());
            if (value == null) {
                continue;
            }
            String expected = index.numeric() ? "number" : "string";
            if (index.numeric() ? value.n() == null : value.s() == null) {
                throw invalid("'" + index.key() + "' is the key of index " + index.name() + " and must be a " + expected
                        + " (leave it out to keep the item out of the index)");
            }
            if (!index.numeric()) {
                sortKey(value.s(), index.key());
            }
        }
    }

    /** {@link #checkKeys} and the item size (413 over 400 KB), for an item about to be written. */
    static void checkItem(Collection c, Map<String, AttributeValue> item) {
        checkKeys(c, item);
        int size = ItemCodec.size(item);
        if (size > MAX_ITEM_BYTES) {
            throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "the item is " + size
                    + " bytes as DynamoDB counts them; the limit is " + MAX_ITEM_BYTES + " (store large data as a file)");
        }
    }

    /** A sort key value (an item id, an index key, a query bound), named {@code field} in the answer. */
    static String sortKey(String value, String field) {
        return keyString(value, field, MAX_SORT_KEY_BYTES);
    }

    /** A query's comparison value for a key of the given type, as DynamoDB takes it. */
    static AttributeValue keyValue(String value, boolean numeric, String field) {
        if (!numeric) {
            return AttributeValue.fromS(sortKey(value, field));
        }
        BigDecimal number;
        try {
            number = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw invalid("'" + field + "' must be a number for this index");
        }
        return AttributeValue.fromN(number(number, field));
    }

    private static String keyString(String value, String field, int maxBytes) {
        if (value == null || value.isEmpty()) {
            throw invalid("'" + field + "' must not be empty (DynamoDB keys cannot be empty strings)");
        }
        int bytes = utf8Length(value);
        if (bytes > maxBytes) {
            throw invalid("'" + field + "' is " + bytes + " bytes of UTF-8; DynamoDB takes at most " + maxBytes
                    + " for this key");
        }
        return value;
    }

    /**
     * A number as DynamoDB stores it: canonical (no trailing zeros, plain notation), or a 400
     * when it has more than 38 significant digits or lies outside DynamoDB's range.
     */
    static String number(BigDecimal value, String field) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.signum() == 0) {
            return "0";
        }
        if (stripped.precision() > MAX_DIGITS) {
            throw invalid("number at '" + field
                    + "' has more than 38 significant digits, more than DynamoDB stores exactly; send it as a string");
        }
        // Checked before toPlainString, which would spell out an exponent of a billion digit by digit.
        int exponent = stripped.precision() - stripped.scale() - 1;
        if (exponent > MAX_EXPONENT || exponent < MIN_EXPONENT) {
            throw invalid("number at '" + field + "' is outside DynamoDB's range 1E-130..9.99E+125");
        }
        return stripped.toPlainString();
    }

    /** An attribute name at {@code path}: 1 byte to 32 KiB of valid Unicode. */
    static String name(String name, String path) {
        if (name.isEmpty()) {
            throw invalid("empty attribute name at '" + path + "'");
        }
        if (name.length() > MAX_NAME_BYTES / 3 && utf8Length(name) > MAX_NAME_BYTES) {
            throw invalid("the attribute name at '" + shorten(path) + "' is over " + MAX_NAME_BYTES + " bytes");
        }
        if (hasLoneSurrogate(name)) {
            throw invalid("the attribute name at '" + shorten(path) + "' is not valid Unicode (a lone surrogate)");
        }
        return name;
    }

    /** A string value at {@code path}: valid Unicode. */
    static String string(String value, String path) {
        if (hasLoneSurrogate(value)) {
            throw invalid("the string at '" + shorten(path) + "' is not valid Unicode (a lone surrogate)");
        }
        return value;
    }

    /** A map or list at nesting {@code level} (the item is level 1). */
    static void level(int level, String path) {
        if (level > MAX_LEVELS) {
            throw invalid("'" + shorten(path) + "' is nested deeper than DynamoDB's " + MAX_LEVELS + " levels");
        }
    }

    /**
     * DynamoDB's order of strings: by their UTF-8 bytes, unsigned. Java's {@code compareTo} orders
     * UTF-16 units, which differs for characters beyond U+FFFF against those from U+E000 up.
     */
    static int compareStrings(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                bytes += 1;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return true;
            }
        }
        return false;
    }

    /** Paths can be long (names of up to 32 KiB): the answer quotes at most 100 characters of one. */
    private static String shorten(String path) {
        return path.length() > 100 ? path.substring(0, 100) + "..." : path;
    }

    private static CofferException invalid(String detail) {
        return new CofferException(ErrorCode.VALIDATION_FAILED, detail);
    }
}
