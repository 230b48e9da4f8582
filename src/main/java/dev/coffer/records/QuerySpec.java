package dev.coffer.records;

import java.util.Optional;

/**
 * A validated list query: over the sort key or one index, with at most one of {@code eq},
 * {@code prefix}, or a {@code from}/{@code to} range; newest-first with {@code descending}.
 */
record QuerySpec(Optional<String> index, Optional<String> eq, Optional<String> prefix, Optional<String> from,
                 Optional<String> to, boolean descending, int limit, Optional<String> cursor) {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
}
