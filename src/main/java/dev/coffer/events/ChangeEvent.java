package dev.coffer.events;

import dev.coffer.identity.UserId;

/**
 * One change of one item, as read from a collection table's stream: whose partition it is in,
 * where it is in the stream, and the SSE {@code data} line already rendered (once, however many
 * subscribers get it).
 */
record ChangeEvent(String collection, UserId user, EventPosition.Exact position, String data) {
    /** Roughly what this event holds in memory, for the replay buffer's byte bound. */
    int weight() {
        return 96 + data.length() * 2 + position.shard().length() * 2 + position.sequence().length() * 2;
    }
}
