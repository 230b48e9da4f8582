package dev.coffer.support.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The masker's shapes, for secrets it was never told about: wherever an AWS secret access key
 * stands in a line (alone, in a URL path whose slashes join it to a longer run, URL-encoded),
 * it is masked; ordinary paths and base64 of other lengths are left as they are.
 */
class SecretMaskerTest {
    private static final String KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY9EXAMPLEKY";

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /api/v1/files/%s 404",
        "GET /api/v1/files/%s/more 404",
        "GET /api/v1/files/dir/%s",
        "path=/%s",
        "url.path=\"/x/%s\" status=401",
    })
    void awsSecretInAPath_masked(String template) {
        String line = template.formatted(KEY);

        String masked = SecretMasker.mask(line);

        assertThat(masked).doesNotContain(KEY).doesNotContain("K7MDENG").contains("****");
    }

    @ParameterizedTest
    @ValueSource(strings = {"key=%s", "key=%s&x=1", "/api/v1/files/%s"})
    void awsSecretUrlEncoded_masked(String template) {
        String line = template.formatted(KEY.replace("/", "%2F"));

        String masked = SecretMasker.mask(line);

        assertThat(masked).doesNotContain("K7MDENG").contains("****");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /api/v1/collections/notes/items/0b6c1e2d-5a3f-4c8e-9d7b-1a2b3c4d5e6f 200 3.1ms",
        "GET /api/v1/files/photos/2026/holiday/beach-with-the-children.jpg 200",
        "GET /api/v1/files/documents/reports/quarterly/summary/final 200",
        "GET /api/v1/files/Documents/Reports/Quarterly/SummaryFinal 200",
        "hash=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "etag=\"d41d8cd98f00b204e9800998ecf8427e\" user=ext-0123456789abcdef0123456789abcdef",
    })
    void ordinaryLines_unchanged(String line) {
        assertThat(SecretMasker.mask(line)).isEqualTo(line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=%s", "token=%s==", "GET /x?X-Amz-Security-Token=%s"})
    void sessionTokens_maskedWithTheirPadding(String template) {
        String token = "IQoJb3JpZ2luX2VjE+/".repeat(8);

        String masked = SecretMasker.mask(template.formatted(token));

        assertThat(masked).isEqualTo(template.formatted("****").replace("****==", "****"));
    }

    @org.junit.jupiter.api.Test
    void fortyCharactersFollowedByPadding_areOtherBase64_unchanged() {
        String line = "digest=" + "A".repeat(20) + "b".repeat(20) + "=";

        assertThat(SecretMasker.mask(line)).isEqualTo(line);
    }

    @org.junit.jupiter.api.Test
    void lineWithoutASecretShape_isReturnedAsItIs_soTheEncoderKeepsItsBytes() {
        String line = "GET /api/v1/collections/notes/items/n-1 200 1.2ms id=4a19e4aaeec903e7ff27dcbd client=127.0.0.1";

        assertThat(SecretMasker.mask(line)).isSameAs(line);
    }

    @org.junit.jupiter.api.Test
    void awsShapedSecretAndSessionToken_masked_atStartMiddleAndEnd() {
        String token = "IQoJb3JpZ2luX2VjE" + "A".repeat(120);

        assertThat(SecretMasker.mask(KEY + " leading")).isEqualTo("**** leading");
        assertThat(SecretMasker.mask("key=" + KEY + " rest")).isEqualTo("key=**** rest");
        assertThat(SecretMasker.mask("token " + token)).isEqualTo("token ****");
        assertThat(SecretMasker.mask("x=" + "aB".repeat(19) + "a!")).isEqualTo("x=" + "aB".repeat(19) + "a!");
        assertThat(SecretMasker.mask("x=" + "aB".repeat(20) + "!")).isEqualTo("x=****!");
    }

    @org.junit.jupiter.api.Test
    void registeredSecret_maskedEvenInALineWithoutSecretShapes() {
        // The registry is process-wide and other tests register secrets too (e.g. "secret"): a value no other holds.
        String value = "r" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        SecretMasker.register(value);

        assertThat(SecretMasker.mask("said " + value + " here")).isEqualTo("said **** here");
    }
}
