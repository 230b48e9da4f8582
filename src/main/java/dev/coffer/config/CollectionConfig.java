package dev.coffer.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One collection declared in {@code coffer.toml}:
 * <pre>
 * [collections.scans]
 * table = "dermalens-scans"        # default coffer-&lt;name&gt;
 * sort_key = "scan_id"             # default "id"
 * ttl_attribute = "expires_at"     # optional
 * [[collections.scans.indexes]]
 * name = "scan-date-index"
 * kind = "local"                   # local (LSI) or global (GSI)
 * key = "scan_date"
 * key_type = "string"              # or "number"; default string
 * </pre>
 * Every collection's table has partition key {@code user_id}. A global index is keyed by
 * {@code user_id} and its key too, so queries through it stay inside the caller's items.
 */
public record CollectionConfig(String name, String table, String sortKey, Optional<String> ttlAttribute,
                               List<IndexConfig> indexes) {
    public static final String PARTITION_KEY = "user_id";
    public static final String DEFAULT_SORT_KEY = "id";
    /** Names the server sets on every item; a collection may not use them for its keys. */
    public static final Set<String> SERVER_ATTRIBUTES = Set.of(PARTITION_KEY, "created_at", "updated_at", "version");

    private static final Pattern COLLECTION_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Set<String> COLLECTION_KEYS = Set.of("table", "sort_key", "ttl_attribute", "indexes");
    private static final Set<String> INDEX_KEYS = Set.of("name", "kind", "key", "key_type");

    public CollectionConfig {
        indexes = List.copyOf(indexes);
    }

    /** This collection stored in {@code newTable} (an environment override, validated by the caller). */
    CollectionConfig withTable(String newTable) {
        return new CollectionConfig(name, newTable, sortKey, ttlAttribute, indexes);
    }

    /** An index of a collection. */
    public record IndexConfig(String name, boolean global, String key, boolean numeric) {
    }

    /** Parses the {@code collections} table of coffer.toml; {@code node} may be null (none declared). */
    static Map<String, CollectionConfig> parseAll(JsonNode node) {
        var result = new LinkedHashMap<String, CollectionConfig>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return result;
        }
        if (!node.isObject()) {
            throw new ConfigException("collections", "expected tables like [collections.NAME]");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            result.put(field.getKey(), parse(field.getKey(), field.getValue()));
        }
        return result;
    }

    private static CollectionConfig parse(String name, JsonNode node) {
        String where = "collections." + name;
        if (!COLLECTION_NAME.matcher(name).matches()) {
            throw new ConfigException(where, "collection names are 1-63 of a-z 0-9 _ - (used in URLs)");
        }
        if (!node.isObject()) {
            throw new ConfigException(where, "expected a table");
        }
        rejectUnknown(node, COLLECTION_KEYS, where);
        String table = text(node, "table", where).orElse("coffer-" + name);
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new ConfigException(where + ".table", "'" + table + "' is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)");
        }
        String sortKey = text(node, "sort_key", where).orElse(DEFAULT_SORT_KEY);
        attribute(sortKey, where + ".sort_key");
        Optional<String> ttl = text(node, "ttl_attribute", where);
        ttl.ifPresent(t -> attribute(t, where + ".ttl_attribute"));
        if (ttl.isPresent() && ttl.get().equals(sortKey)) {
            throw new ConfigException(where + ".ttl_attribute", "must differ from the sort key");
        }
        var indexes = new ArrayList<IndexConfig>();
        JsonNode list = node.get("indexes");
        if (list != null) {
            if (!list.isArray()) {
                throw new ConfigException(where + ".indexes", "expected [[" + where + ".indexes]] tables");
            }
            for (int i = 0; i < list.size(); i++) {
                indexes.add(index(list.get(i), where + ".indexes[" + i + "]", sortKey));
            }
        }
        var names = new java.util.HashSet<String>();
        for (IndexConfig index : indexes) {
            if (!names.add(index.name())) {
                throw new ConfigException(where + ".indexes", "index name '" + index.name() + "' is declared twice");
            }
        }
        if (indexes.stream().filter(i -> !i.global()).count() > 5) {
            throw new ConfigException(where + ".indexes", "DynamoDB allows at most 5 local indexes per table");
        }
        if (indexes.stream().filter(IndexConfig::global).count() > 20) {
            throw new ConfigException(where + ".indexes", "DynamoDB allows at most 20 global indexes per table");
        }
        var keyTypes = new java.util.HashMap<String, Boolean>();
        for (IndexConfig index : indexes) {
            Boolean before = keyTypes.put(index.key(), index.numeric());
            if (before != null && before != index.numeric()) {
                throw new ConfigException(where + ".indexes", "attribute '" + index.key() + "' is declared both string and number");
            }
        }
        return new CollectionConfig(name, table, sortKey, ttl, indexes);
    }

    private static IndexConfig index(JsonNode node, String where, String sortKey) {
        if (!node.isObject()) {
            throw new ConfigException(where, "expected a table with name, kind and key");
        }
        rejectUnknown(node, INDEX_KEYS, where);
        String name = text(node, "name", where).orElseThrow(() -> new ConfigException(where + ".name", "is required"));
        if (!TABLE_NAME.matcher(name).matches()) {
            throw new ConfigException(where + ".name", "'" + name + "' is not an index name (3-255 of A-Z a-z 0-9 _ . -)");
        }
        String kind = text(node, "kind", where).orElse("local").toLowerCase(Locale.ROOT);
        if (!kind.equals("local") && !kind.equals("global")) {
            throw new ConfigException(where + ".kind", "'" + kind + "' is not local or global");
        }
        String key = text(node, "key", where).orElseThrow(() -> new ConfigException(where + ".key", "is required"));
        attribute(key, where + ".key");
        if (key.equals(sortKey)) {
            throw new ConfigException(where + ".key", "is the table's sort key already; an index on it adds nothing");
        }
        String type = text(node, "key_type", where).orElse("string").toLowerCase(Locale.ROOT);
        if (!type.equals("string") && !type.equals("number")) {
            throw new ConfigException(where + ".key_type", "'" + type + "' is not string or number");
        }
        return new IndexConfig(name, kind.equals("global"), key, type.equals("number"));
    }

    private static void attribute(String name, String where) {
        if (!ATTRIBUTE.matcher(name).matches()) {
            throw new ConfigException(where, "'" + name + "' is not an attribute name (letters, digits, _; 1-64)");
        }
        if (SERVER_ATTRIBUTES.contains(name)) {
            throw new ConfigException(where, "'" + name + "' is set by the server; choose another name");
        }
    }

    private static Optional<String> text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new ConfigException(where + "." + field, "expected a string");
        }
        return Optional.of(value.asText().trim()).filter(s -> !s.isEmpty());
    }

    private static void rejectUnknown(JsonNode node, Set<String> allowed, String where) {
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                throw new ConfigException(where + "." + field, "unknown key (allowed: " + new java.util.TreeSet<>(allowed) + ")");
            }
        });
    }
}
