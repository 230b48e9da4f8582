package dev.coffer.schema;

import java.util.List;
import java.util.Optional;

/**
 * The shape a DynamoDB table must have: partition key {@code user_id} (string) unless said
 * otherwise, an optional sort key, indexes and a TTL attribute; and {@code itemActions}, the
 * item-level DynamoDB actions (e.g. {@code dynamodb:GetItem}) that the table's owner calls at run
 * time, which are what the runtime policy grants and what doctor probes on it; {@code streamed}:
 * the table has a DynamoDB stream with new images (live updates read it). A type of its own:
 * {@code auth} and {@code records} declare their tables with it, {@code provision} creates and
 * compares them, {@code policy} grants on them and {@code doctor} probes them.
 */
public record TableSpec(String name, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey,
                        List<IndexSpec> indexes, Optional<String> ttlAttribute, List<String> itemActions, boolean streamed) {

    /** A table without a stream. */
    public TableSpec(String name, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey, List<IndexSpec> indexes,
                     Optional<String> ttlAttribute, List<String> itemActions) {
        this(name, partitionKey, sortKey, indexes, ttlAttribute, itemActions, false);
    }

    /** The stream's view type every streamed table gets: the item as written (deletes carry the keys). */
    public static final String STREAM_VIEW = "NEW_IMAGE";

    /** The actions that read a table's stream (granted on {@code table/NAME/stream/*}). */
    public static final List<String> STREAM_ACTIONS = List.of("dynamodb:DescribeStream", "dynamodb:GetRecords",
            "dynamodb:GetShardIterator");

    public TableSpec {
        indexes = List.copyOf(indexes);
        itemActions = List.copyOf(itemActions);
        for (String action : itemActions) {
            if (!action.startsWith("dynamodb:")) {
                throw new IllegalArgumentException("not a DynamoDB action: " + action);
            }
        }
    }

    /** A key attribute and its DynamoDB scalar type. */
    public record KeyAttribute(String name, KeyType type) {
    }

    /** S (string) or N (number): the key types collections may declare. */
    public enum KeyType {
        S, N
    }

    /** Indexes that Coffer itself queries: these, and only these, get a Query permission. */
    public List<IndexSpec> queriedIndexes() {
        return indexes.stream().filter(IndexSpec::queriedByCoffer).toList();
    }

    /**
     * A secondary index. A local index shares the table's partition key; a global one is keyed by
     * {@code partitionKey} (and optional {@code sortKey}). Both project all attributes.
     * {@code queriedByCoffer} is false for an index kept only for other apps reading the table.
     */
    public record IndexSpec(String name, boolean global, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey,
                            boolean queriedByCoffer) {
        public IndexSpec(String name, boolean global, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey) {
            this(name, global, partitionKey, sortKey, true);
        }
    }
}
