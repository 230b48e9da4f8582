package dev.coffer.provision;

import java.util.List;
import java.util.Optional;

/**
 * The shape a DynamoDB table must have: partition key {@code user_id} (string) unless said
 * otherwise, an optional sort key, indexes and a TTL attribute.
 */
public record TableSpec(String name, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey,
                        List<IndexSpec> indexes, Optional<String> ttlAttribute) {

    public TableSpec {
        indexes = List.copyOf(indexes);
    }

    /** A key attribute and its DynamoDB scalar type. */
    public record KeyAttribute(String name, KeyType type) {
    }

    /** S (string) or N (number): the key types collections may declare. */
    public enum KeyType {
        S, N
    }

    /**
     * A secondary index. A local index shares the table's partition key; a global one is keyed by
     * {@code partitionKey} (and optional {@code sortKey}). Both project all attributes.
     */
    public record IndexSpec(String name, boolean global, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey) {
    }
}
