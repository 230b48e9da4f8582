package dev.coffer.aws;

import java.util.Objects;

/**
 * Capacity one DynamoDB call consumed on one table, as DynamoDB reported it
 * ({@code ReturnConsumedCapacity=TOTAL}, set on every call by {@link AwsCallRecorder}).
 *
 * @param table the table name
 * @param operation the DynamoDB operation, e.g. {@code PutItem}
 * @param units capacity units (read units for reads, write units for writes), never negative
 * @param kind whether the units are read or write units, decided by the operation
 */
public record CapacityUse(String table, String operation, double units, Kind kind) {
    /** Read or write capacity: what on-demand pricing charges separately. */
    public enum Kind { READ, WRITE }

    public CapacityUse {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(kind, "kind");
        if (!(units >= 0)) {
            throw new IllegalArgumentException("capacity units must not be negative: " + units);
        }
    }
}
