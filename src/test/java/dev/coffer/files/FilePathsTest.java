package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.CofferException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every hostile shape of a path is refused; ordinary paths pass unchanged. */
class FilePathsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "%2Fetc%2Fpasswd|the path must be relative (no leading '/')",
        "a/../b|the path must not have '.' or '..' segments",
        "..|the path must not have '.' or '..' segments",
        "a/./b|the path must not have '.' or '..' segments",
        "%2e%2e/secret|the path must not have '.' or '..' segments",
        "%2E%2E%2Fsecret|the path must not have '.' or '..' segments",
        "a%2F..%2F..%2Fb|the path must not have '.' or '..' segments",
        "a//b|the path must not have empty segments ('//' or a trailing '/')",
        "a/|the path must not have empty segments ('//' or a trailing '/')",
        "a%5Cb|the path must not contain backslashes",
        "a%00b|the path must not contain control characters",
        "a%0Ab|the path must not contain control characters",
        "a%7Fb|the path must not contain control characters",
        "a%C2%85b|the path must not contain control characters",
        "%C0%AE%C0%AE/x|the path is not valid UTF-8",
        "%FF|the path is not valid UTF-8",
        "a%2|the path has a malformed percent escape",
        "a%zzb|the path has a malformed percent escape",
        "cafe%CC%81.txt|the path must be Unicode NFC-normalised",
        "|the path is empty"})
    void fromRaw_hostile_refusedWithReason(String raw, String reason) {
        assertThatThrownBy(() -> FilePaths.fromRaw(raw == null ? "" : raw))
                .isInstanceOf(CofferException.class).hasMessage(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"notes.txt", "scans/2026/01/img_1.png", "caf%C3%A9.txt", "a+b c.txt", "x%20y.txt", "..hidden", "a.b/c..d"})
    void fromRaw_ordinary_accepted(String raw) {
        assertThat(FilePaths.fromRaw(raw)).isNotBlank().doesNotContain("%2");
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 1025})
    void validate_lengthLimitIs1024BytesOfUtf8(int bytes) {
        String path = "a".repeat(bytes);
        if (bytes <= FilePaths.MAX_BYTES) {
            assertThat(FilePaths.validate(path)).isEqualTo(path);
        } else {
            assertThatThrownBy(() -> FilePaths.validate(path)).hasMessage("the path is longer than 1024 bytes");
        }
        // Multi-byte characters count as their UTF-8 bytes: 342 x 3 bytes = 1026.
        assertThatThrownBy(() -> FilePaths.validate("\u20ac".repeat(342))).hasMessage("the path is longer than 1024 bytes");
    }
}
