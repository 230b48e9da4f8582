package dev.coffer.usage;

import dev.coffer.identity.UserId;

/**
 * What the records piece tells usage about its writes: the hook is three calls in the write paths
 * of {@code records.RecordStore}. Sizes are DynamoDB's item sizes (names plus values).
 */
public interface ItemMeter {
    /** Counts nothing: tests and tools that write no usage. */
    ItemMeter NONE = new ItemMeter() {
        @Override
        public Reservation creating(UserId user, String collection, long bytes) {
            return Reservation.NONE;
        }

        @Override
        public void resized(UserId user, String collection, long bytesDelta) {
        }

        @Override
        public void deleted(UserId user, String collection, long bytes) {
        }
    };

    /**
     * Before an item is created: counts it (one more item, {@code bytes} more), refused with
     * {@code quota_exceeded} (429) when the collection is at the user's item quota. The guard is
     * a conditional update of the counter, so racing creates cannot overshoot.
     */
    Reservation creating(UserId user, String collection, long bytes);

    /** After a replace or patch was stored: the item's size changed by {@code bytesDelta}. */
    void resized(UserId user, String collection, long bytesDelta);

    /** After an item of {@code bytes} was deleted. */
    void deleted(UserId user, String collection, long bytes);
}
