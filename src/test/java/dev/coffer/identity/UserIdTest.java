package dev.coffer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdTest {
    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "....", "a/b", "/", "a\\b", "a\u0000b", "a\nb", "a\u007fb", "a b", "é", "a%2Fb",
            "a\u200bb"})
    void parse_valuesThatCouldLeaveAPartitionOrPrefix_refused(String raw) {
        assertThat(UserId.parse(raw)).isEmpty();
        assertThatThrownBy(() -> new UserId(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid user id: ");
    }

    @Test
    void parse_lengthLimit_128() {
        assertThat(UserId.parse("a".repeat(UserId.MAX_LENGTH))).isPresent();
        assertThat(UserId.parse("a".repeat(UserId.MAX_LENGTH + 1))).isEmpty();
        assertThat(UserId.problemWith("a".repeat(UserId.MAX_LENGTH + 1))).contains("must be 1 to 128 characters");
        assertThat(UserId.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-1", "a.b", "..a", "alice@example.com", "tenant|42", "x:y+z_w"})
    void parse_ordinaryIds_accepted(String raw) {
        assertThat(UserId.parse(raw)).contains(new UserId(raw));
    }

    @Test
    void external_derivedFromIssuerAndSubject_neverALocalId() {
        UserId a = UserId.external("https://idp.example/pool", "sub-1");
        assertThat(a.value()).matches("ext-[0-9a-f]{32}");
        assertThat(UserId.external("https://idp.example/pool", "sub-1")).isEqualTo(a);
        assertThat(UserId.external("https://other.example/pool", "sub-1")).isNotEqualTo(a);
        assertThat(UserId.external("https://idp.example/pool", "sub-2")).isNotEqualTo(a);
        // The separator keeps (issuer "a", sub "bc") apart from (issuer "ab", sub "c").
        assertThat(UserId.external("a", "bc")).isNotEqualTo(UserId.external("ab", "c"));
        String local = UUID.randomUUID().toString();
        assertThat(UserId.external("https://idp.example/pool", local).value()).isNotEqualTo(local);
        // Any subject an issuer may use maps to a valid id.
        assertThat(UserId.external("https://idp.example/pool", "../../étrange/" + "x".repeat(250)).value()).startsWith("ext-");
    }
}
