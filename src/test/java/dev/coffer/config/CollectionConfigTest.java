package dev.coffer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectionConfigTest {
    private static Map<String, CollectionConfig> parse(String toml) throws Exception {
        return CollectionConfig.parseAll(new TomlMapper().readTree(toml).get("collections"));
    }

    @Test
    void parse_fullDeclaration() throws Exception {
        var all = parse(dev.coffer.testing.TestCollections.SCANS.formatted("x") + "[collections.plans]\n");

        CollectionConfig scans = all.get("scans");
        assertThat(scans.table()).isEqualTo("t-scans-x");
        assertThat(scans.sortKey()).isEqualTo("scan_id");
        assertThat(scans.ttlAttribute()).contains("expires_at");
        assertThat(scans.indexes()).containsExactly(
                new CollectionConfig.IndexConfig("scan-date-index", false, "scan_date", false),
                new CollectionConfig.IndexConfig("score-index", true, "score", true));
        assertThat(all.get("plans").table()).isEqualTo("coffer-plans");
        assertThat(all.get("plans").sortKey()).isEqualTo("id");
    }

    @Test
    void parse_unknownKeyInIndex_namesThePath() {
        assertThatThrownBy(() -> parse("[collections.scans]\n[[collections.scans.indexes]]\nname = \"i-1\"\nkey = \"d\"\ntype = \"x\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("collections.scans.indexes[0].type: unknown key (allowed: [key, key_type, kind, name])");
    }

    @Test
    void parse_badKind_namesThePath() {
        assertThatThrownBy(() -> parse("[collections.scans]\n[[collections.scans.indexes]]\nname = \"i-1\"\nkey = \"d\"\nkind = \"lsi\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("collections.scans.indexes[0].kind: 'lsi' is not local or global");
    }

    @Test
    void parse_sortKeyIsServerAttribute_refused() {
        assertThatThrownBy(() -> parse("[collections.scans]\nsort_key = \"user_id\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("collections.scans.sort_key: 'user_id' is set by the server; choose another name");
    }

    @Test
    void parse_badCollectionName_refused() {
        assertThatThrownBy(() -> parse("[collections.\"Scans!\"]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("collections.Scans!: collection names are 1-63 of a-z 0-9 _ - (used in URLs)");
    }

    @Test
    void parse_tooManyLocalIndexes_refused() {
        var toml = new StringBuilder("[collections.c]\n");
        for (int i = 0; i < 6; i++) {
            toml.append("[[collections.c.indexes]]\nname = \"idx-").append(i).append("\"\nkey = \"k").append(i).append("\"\n");
        }
        assertThatThrownBy(() -> parse(toml.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("collections.c.indexes: DynamoDB allows at most 5 local indexes per table");
    }
}
