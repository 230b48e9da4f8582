package dev.coffer.records;

import dev.coffer.config.CollectionConfig;
import dev.coffer.schema.TableSpec;
import java.util.List;
import java.util.Optional;

/** A declared collection as the records piece uses it: names, key attributes and its table shape. */
record Collection(CollectionConfig config) {
    static final String USER_ID = CollectionConfig.PARTITION_KEY;

    String name() {
        return config.name();
    }

    String table() {
        return config.table();
    }

    String sortKey() {
        return config.sortKey();
    }

    Optional<CollectionConfig.IndexConfig> index(String name) {
        return config.indexes().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * What RecordStore calls on a collection's table: conditional PutItem (create, replace,
     * patch), GetItem, conditional DeleteItem, Query (lists, and account deletion) and
     * BatchWriteItem (account deletion); and Scan, the console's browse across users (admins only).
     */
    static final List<String> ITEM_ACTIONS = List.of("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
            "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan");

    TableSpec tableSpec() {
        var partition = new TableSpec.KeyAttribute(USER_ID, TableSpec.KeyType.S);
        var indexes = config.indexes().stream().map(i -> new TableSpec.IndexSpec(i.name(), i.global(),
                partition, Optional.of(new TableSpec.KeyAttribute(i.key(), i.numeric() ? TableSpec.KeyType.N : TableSpec.KeyType.S))))
                .toList();
        return new TableSpec(config.table(), partition,
                Optional.of(new TableSpec.KeyAttribute(config.sortKey(), TableSpec.KeyType.S)), indexes, config.ttlAttribute(),
                ITEM_ACTIONS);
    }
}
