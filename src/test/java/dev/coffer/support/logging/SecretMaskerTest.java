package dev.coffer.support.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The masker skips its regular expressions on lines with no run of 40 base64 characters (every
 * access log line): the shapes it masks must still be masked, whatever surrounds them.
 */
class SecretMaskerTest {
    private static final String AWS_SHAPED = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @Test
    void lineWithoutALongBase64Run_isReturnedAsItIs() {
        String line = "GET /api/v1/collections/notes/items/n-1 200 1.2ms id=4a19e4aaeec903e7ff27dcbd client=127.0.0.1";
        assertThat(SecretMasker.mask(line)).isSameAs(line);
        assertThat(SecretMasker.hasBase64Run(line, 40)).isFalse();
    }

    @Test
    void awsShapedSecretAndSessionToken_stillMasked_atStartMiddleAndEnd() {
        String token = "IQoJb3JpZ2luX2VjE" + "A".repeat(120);
        assertThat(SecretMasker.mask(AWS_SHAPED + " leading")).isEqualTo("**** leading");
        assertThat(SecretMasker.mask("key=" + AWS_SHAPED + " rest")).isEqualTo("key=**** rest");
        assertThat(SecretMasker.mask("token " + token)).isEqualTo("token ****");
    }

    @Test
    void runOf39_isNoSecretShape_runOf40_is() {
        assertThat(SecretMasker.hasBase64Run("x=" + "a".repeat(39) + "!", 40)).isFalse();
        assertThat(SecretMasker.hasBase64Run("x=" + "a".repeat(40) + "!", 40)).isTrue();
    }

    @Test
    void registeredSecret_maskedEvenInALineWithoutBase64Runs() {
        SecretMasker.register("short-secret-value");
        assertThat(SecretMasker.mask("said short-secret-value here")).isEqualTo("said **** here");
    }
}
