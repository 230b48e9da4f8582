package dev.coffer.records;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a conditional write came to; the HTTP edge maps each to a status. */
sealed interface WriteOutcome {
    /** Stored; {@code item} is what is now in the table. */
    record Written(ObjectNode item) implements WriteOutcome {
    }

    /** No item with that id (404). */
    record Missing() implements WriteOutcome {
    }

    /** The item exists but not at the version the client named (412), or the id is taken (409 on create). */
    record Conflict(long currentVersion) implements WriteOutcome {
    }
}
