package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One rule for what an address is, how it is shown, and which addresses are the same account. */
class EmailAddressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // typed | shown | key | old key
        "Alice@Example.com|Alice@Example.com|alice@example.com|Alice@example.com",
        "'  alice@example.com\t'|alice@example.com|alice@example.com|alice@example.com",
        "ALICE@EXAMPLE.COM|ALICE@EXAMPLE.COM|alice@example.com|ALICE@example.com",
        "Jos\u0065\u0301@example.com|Jos\u00e9@example.com|jos\u00e9@example.com|Jos\u0065\u0301@example.com",
        "JOS\u00c9@example.com|JOS\u00c9@example.com|jos\u00e9@example.com|JOS\u00c9@example.com",
        "\u0130nci@example.com|\u0130nci@example.com|i\u0307nci@example.com|\u0130nci@example.com",
        "first.last+tag@sub.example.co|first.last+tag@sub.example.co|first.last+tag@sub.example.co|first.last+tag@sub.example.co"})
    void parse_showsAsTyped_matchesLowerCasedNfc(String raw, String shown, String key, String oldKey) {
        EmailAddress email = EmailAddress.parse(raw);
        assertThat(email.typed()).isEqualTo(shown);
        assertThat(email.key()).isEqualTo(key);
        assertThat(email.legacyKey()).isEqualTo(oldKey);
        assertThat(EmailAddress.keyOf(shown)).isEqualTo(key);
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"200B", "200C", "200D", "2060", "FEFF", "00AD", "202A", "202B", "202C", "202D", "202E", "2066", "2067",
        "2068", "2069", "200E", "200F", "061C", "0000", "0007", "007F", "0085", "2028", "2029", "00A0", "3000", "D800"})
    void parse_invisibleCharacters_refusedNamingEmail(String hex) {
        String raw = "in" + (char) Integer.parseInt(hex, 16) + "visible@example.com";
        assertThatThrownBy(() -> EmailAddress.parse(raw)).isInstanceOfSatisfying(CofferException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
            assertThat(e.detail()).isEqualTo("'email' must not contain invisible characters (control, zero-width, bidi or other format characters)");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not-an-email", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@exa mple.com",
        "a@-example.com", "a@example-.com", "a@ex\u00e4mple.com", "a@example.com."})
    void parse_malformed_refusedNamingEmail(String raw) {
        assertThatThrownBy(() -> EmailAddress.parse(raw)).hasMessage("'email' is not a valid email address");
    }

    @Test
    void parse_lengthAndPresence() {
        assertThat(EmailAddress.parse("a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + ".com").key()).hasSize(196);
        assertThatThrownBy(() -> EmailAddress.parse("a".repeat(65) + "@example.com")).hasMessage("'email' is not a valid email address");
        assertThatThrownBy(() -> EmailAddress.parse("a@" + "b".repeat(62) + "." + "c".repeat(62) + "." + "d".repeat(62) + "."
                + "e".repeat(62) + ".com")).hasMessage("'email' must be at most 254 characters");
        assertThatThrownBy(() -> EmailAddress.parse(null)).hasMessage("'email' is required");
        assertThatThrownBy(() -> EmailAddress.parse(" \t ")).hasMessage("'email' is required");
    }

    @Test
    void toString_showsNoAddress() {
        assertThat(EmailAddress.parse("private@example.com").toString()).doesNotContain("private");
    }
}
