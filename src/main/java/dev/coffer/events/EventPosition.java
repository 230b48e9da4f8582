package dev.coffer.events;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a subscriber is in one collection's stream: right after one record ({@link Exact}: the
 * shard id and sequence number DynamoDB Streams gave it, and its approximate creation time), or
 * from a point in time ({@link Since}: a subscription that has had no event of that collection
 * yet). Every instance reads the same stream, so a position means the same on all of them.
 */
sealed interface EventPosition {
    /** Right after the record {@code sequence} of {@code shard}, created at about {@code atMillis}. */
    record Exact(String shard, String sequence, long atMillis) implements EventPosition {
        public Exact {
            if (!SHARD.matcher(shard).matches() || !SEQUENCE.matcher(sequence).matches()) {
                throw new IllegalArgumentException("not a stream position");
            }
        }

        /** True when {@code record} is this record or an earlier one of the same shard (sequence numbers grow within a shard). */
        boolean covers(Exact record) {
            return shard.equals(record.shard) && new BigInteger(record.sequence).compareTo(new BigInteger(sequence)) <= 0;
        }
    }

    /** Every record created at or after {@code atMillis}. */
    record Since(long atMillis) implements EventPosition {
    }

    long atMillis();

    Pattern SHARD = Pattern.compile("[A-Za-z0-9_.-]{1,80}");
    Pattern SEQUENCE = Pattern.compile("[0-9]{1,40}");
    Pattern COLLECTION = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    int MAX_ID_CHARS = 8192;

    /**
     * The SSE id of a subscriber's positions: {@code name=s:shard:sequence:millis} or
     * {@code name=t:millis} per collection, joined by commas (one entry for a collection's own
     * stream, one per collection for {@code /api/v1/events}).
     */
    static String format(Map<String, EventPosition> positions) {
        var out = new StringBuilder();
        positions.forEach((collection, position) -> {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(collection).append('=');
            switch (position) {
                case Exact e -> out.append("s:").append(e.shard()).append(':').append(e.sequence()).append(':').append(e.atMillis());
                case Since s -> out.append("t:").append(s.atMillis());
            }
        });
        return out.toString();
    }

    /** The positions an id names, or empty when it is not one Coffer wrote. */
    static Optional<Map<String, EventPosition>> parse(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
            return Optional.empty();
        }
        var positions = new LinkedHashMap<String, EventPosition>();
        try {
            for (String entry : id.split(",", -1)) {
                int eq = entry.indexOf('=');
                String collection = eq < 0 ? "" : entry.substring(0, eq);
                if (!COLLECTION.matcher(collection).matches() || positions.containsKey(collection)) {
                    return Optional.empty();
                }
                String[] parts = entry.substring(eq + 1).split(":", -1);
                if (parts.length == 4 && parts[0].equals("s")) {
                    positions.put(collection, new Exact(parts[1], parts[2], Long.parseLong(parts[3])));
                } else if (parts.length == 2 && parts[0].equals("t")) {
                    positions.put(collection, new Since(Long.parseLong(parts[1])));
                } else {
                    return Optional.empty();
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(positions);
    }
}
