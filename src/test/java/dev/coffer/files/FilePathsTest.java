package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every hostile shape of a path is refused; ordinary paths pass unchanged. */
class FilePathsTest {
    /** A folder as FileStore makes it: the default prefix and a UUID (43 bytes). */
    static final String FOLDER = "users/0b7c6a53-3c8e-4a7e-9f55-5f0d7c1f2a61/";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "%2Fetc%2Fpasswd|the path must be relative (no leading '/')",
        "a/../b|the path must not have '.' or '..' segments",
        "..|the path must not have '.' or '..' segments",
        "a/./b|the path must not have '.' or '..' segments",
        "a/.|the path must not have '.' or '..' segments",
        "%2e%2e/secret|the path must not have '.' or '..' segments",
        "%2E%2E%2Fsecret|the path must not have '.' or '..' segments",
        "a%2F..%2F..%2Fb|the path must not have '.' or '..' segments",
        "a//b|the path must not have empty segments ('//' or a trailing '/')",
        "a/|the path must not have empty segments ('//' or a trailing '/')",
        "a%5Cb|the path must not contain backslashes",
        "a%00b|the path must not contain control characters",
        "a%0Ab|the path must not contain control characters",
        "a%0Bb|the path must not contain control characters",
        "a%09b|the path must not contain control characters",
        "a%7Fb|the path must not contain control characters",
        "a%C2%85b|the path must not contain control characters",
        "a%C2%9Fb|the path must not contain control characters",
        "a%EF%BF%BFb|the path must not contain Unicode noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the last two of every plane)",
        "a%EF%BF%BEb|the path must not contain Unicode noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the last two of every plane)",
        "a%EF%B7%90b|the path must not contain Unicode noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the last two of every plane)",
        "a%EF%B7%AFb|the path must not contain Unicode noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the last two of every plane)",
        "a%F0%9F%BF%BEb|the path must not contain Unicode noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the last two of every plane)",
        "a%F4%8F%BF%BFb|the path must not contain Unicode noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the last two of every plane)",
        "%ED%A0%80|the path is not valid UTF-8",
        "%C0%AE%C0%AE/x|the path is not valid UTF-8",
        "%FF|the path is not valid UTF-8",
        "a%2|the path has a malformed percent escape",
        "a%zzb|the path has a malformed percent escape",
        "cafe%CC%81.txt|the path must be Unicode NFC-normalised",
        "|the path is empty"})
    void fromRaw_hostile_refusedWithReason(String raw, String reason) {
        assertThatThrownBy(() -> FilePaths.fromRaw(raw == null ? "" : raw, FOLDER))
                .isInstanceOf(CofferException.class).hasMessage(reason)
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.VALIDATION_FAILED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"notes.txt", "scans/2026/01/img_1.png", "caf%C3%A9.txt", "a+b c.txt", "x%20y.txt", "..hidden", "a.b/c..d",
        "%EF%B7%8Fb", "%EF%B7%B0b", "%EF%BF%BD", "%F0%9F%98%80.png", "%E2%80%8Bzero-width", "%EE%80%80private-use"})
    void fromRaw_ordinary_accepted(String raw) {
        assertThat(FilePaths.fromRaw(raw, FOLDER)).isNotBlank().doesNotContain("%2");
    }

    @Test
    void validate_unpairedSurrogatesFromJson_refused() {
        // Strict UTF-8 decoding of a URI cannot produce them; a JSON string's escapes can.
        for (String path : new String[] {"a\uD800b", "a\uDC00", "\uDBFF", "x/\uDFFF\uD800"}) {
            assertThatThrownBy(() -> FilePaths.validate(path, FOLDER)).hasMessage("the path must not contain unpaired surrogates");
        }
        assertThat(FilePaths.validate("a\uD83D\uDE00b", FOLDER)).isEqualTo("a\uD83D\uDE00b");
    }

    @Test
    void validate_keyLengthCountsTheFolder_inBytesOfUtf8() {
        int room = FilePaths.MAX_KEY_BYTES - FOLDER.length();
        String fits = ("a".repeat(199) + "/").repeat(room / 200) + "a".repeat(room % 200);
        assertThat(fits.length()).isEqualTo(room);
        assertThat(FilePaths.validate(fits, FOLDER)).isEqualTo(fits);
        assertThatThrownBy(() -> FilePaths.validate(fits + "a", FOLDER))
                .hasMessage("'path' is longer than 981 bytes (S3 keys are at most 1024 bytes, the user's folder included)");
        // A longer prefix leaves less room for the path.
        assertThatThrownBy(() -> FilePaths.validate(fits, "tenant-a/" + FOLDER))
                .hasMessage("'path' is longer than 972 bytes (S3 keys are at most 1024 bytes, the user's folder included)");
        // Counted in bytes of UTF-8: 334 characters, but 994 bytes (the euro sign takes 3).
        String euros = ("\u20ac".repeat(66) + "/").repeat(4) + "\u20ac".repeat(66);
        assertThat(euros.length()).isEqualTo(334);
        assertThatThrownBy(() -> FilePaths.validate(euros, FOLDER)).hasMessageStartingWith("'path' is longer than 981 bytes");
    }

    @Test
    void validate_segmentsAtMost200Bytes() {
        assertThat(FilePaths.validate("a".repeat(200), FOLDER)).hasSize(200);
        assertThat(FilePaths.validate("d".repeat(200) + "/" + "f".repeat(200), FOLDER)).hasSize(401);
        assertThatThrownBy(() -> FilePaths.validate("a".repeat(201), FOLDER))
                .hasMessage("each segment of the path must be at most 200 bytes");
        assertThatThrownBy(() -> FilePaths.validate("d".repeat(201) + "/f", FOLDER))
                .hasMessage("each segment of the path must be at most 200 bytes");
        // e-acute takes 2 bytes: 100 of them fit, 101 do not.
        assertThat(FilePaths.validate("\u00e9".repeat(100), FOLDER)).hasSize(100);
        assertThatThrownBy(() -> FilePaths.validate("\u00e9".repeat(101), FOLDER))
                .hasMessage("each segment of the path must be at most 200 bytes");
    }
}
