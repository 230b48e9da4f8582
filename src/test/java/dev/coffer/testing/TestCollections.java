package dev.coffer.testing;

/** Collection declarations (coffer.toml text) the tests share. */
public final class TestCollections {
    /**
     * {@code scans}: sort key, TTL, a local and a global (numeric) index; {@code %s} is a suffix
     * for the table name, so tests sharing a stack do not share a table.
     */
    public static final String SCANS = """
            [collections.scans]
            table = "t-scans-%s"
            sort_key = "scan_id"
            ttl_attribute = "expires_at"
            [[collections.scans.indexes]]
            name = "scan-date-index"
            kind = "local"
            key = "scan_date"
            [[collections.scans.indexes]]
            name = "score-index"
            kind = "global"
            key = "score"
            key_type = "number"
            """;

    private TestCollections() {
    }
}
