package dev.coffer.usage;

/**
 * Usage counted ahead of a write that may still fail: released when the write did not happen, so
 * the counters are what is stored. A write that succeeded simply keeps it.
 */
@FunctionalInterface
public interface Reservation {
    /** Nothing reserved (nothing to count, or counting is off). */
    Reservation NONE = () -> { };

    /** Gives back what was reserved. Never throws: a failed release is logged and left to a recount. */
    void release();
}
