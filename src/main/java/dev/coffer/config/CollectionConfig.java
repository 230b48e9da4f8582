package dev.coffer.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One collection declared in {@code coffer.toml} under {@code [collections.NAME]} (issue: records).
 */
public record CollectionConfig(String name) {
    /** Parses the {@code collections} table of coffer.toml; {@code node} may be null (none declared). */
    static Map<String, CollectionConfig> parseAll(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isEmpty()) {
            return Map.of();
        }
        throw new ConfigException("collections", "collections are not supported yet");
    }
}
