package dev.coffer.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9110 entity-tag lists: parsing, strong comparison (If-Match), weak comparison (If-None-Match). */
class EntityTagsTest {

    @Test
    void parse_starListsAndEmptyElements() {
        assertThat(EntityTags.parse(" * ")).contains(new EntityTags(true, List.of()));
        assertThat(EntityTags.parse("\"a\", W/\"b\" ,,\"\"")).contains(new EntityTags(false, List.of(
                new EntityTags.Tag(false, "a"), new EntityTags.Tag(true, "b"), new EntityTags.Tag(false, ""))));
    }

    @Test
    void parse_malformed_empty() {
        for (String bad : List.of("", "3", "\"3", "W/3", "w/\"3\"", "\"a\" \"b\"", "\"a\"x", "*, \"a\"", "\"a b\"", ",")) {
            assertThat(EntityTags.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void strongMatch_weakTagsNeverMatch_currentMustBeStrong() {
        EntityTags tags = EntityTags.parse("W/\"1\", \"2\"").orElseThrow();
        assertThat(tags.strongMatch("\"2\"")).isTrue();
        assertThat(tags.strongMatch("\"1\"")).isFalse();
        assertThat(tags.strongMatch("W/\"2\"")).isFalse();
        assertThat(EntityTags.parse("*").orElseThrow().strongMatch("\"anything\"")).isTrue();
    }

    @Test
    void weakMatch_ignoresWeakness() {
        EntityTags tags = EntityTags.parse("W/\"1\"").orElseThrow();
        assertThat(tags.weakMatch("\"1\"")).isTrue();
        assertThat(tags.weakMatch("W/\"1\"")).isTrue();
        assertThat(tags.weakMatch("\"2\"")).isFalse();
    }
}
