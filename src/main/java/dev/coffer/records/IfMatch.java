package dev.coffer.records;

import java.util.Set;

/**
 * The {@code If-Match} precondition of a write, after strong comparison (RFC 9110 13.1.1): none (or
 * {@code *}: any current version), or one of a set of versions. Weak tags (and tags that are no
 * version) never match, so a list of only those leaves an empty set: every write is refused.
 */
sealed interface IfMatch {
    /** Whether the item at {@code version} meets the precondition. */
    boolean allows(long version);

    /**
     * Whether the client pinned versions: a write that lost a race must then fail (412) rather
     * than be applied again to the newer state.
     */
    boolean pinsVersion();

    /**
     * No If-Match, or {@code If-Match: *}: last writer wins, a read-modify-write is re-applied on a
     * race. The two behave alike here because every write already needs an existing item (404
     * otherwise), which is all {@code *} asks.
     */
    record None() implements IfMatch {
        @Override
        public boolean allows(long version) {
            return true;
        }

        @Override
        public boolean pinsVersion() {
            return false;
        }
    }

    /** {@code If-Match: "3", "4"}: only these versions. */
    record Versions(Set<Long> versions) implements IfMatch {
        public Versions {
            versions = Set.copyOf(versions);
        }

        @Override
        public boolean allows(long version) {
            return versions.contains(version);
        }

        @Override
        public boolean pinsVersion() {
            return true;
        }
    }
}
