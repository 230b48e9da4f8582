package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.config.CofferConfig;
import dev.coffer.config.ConfigException;
import dev.coffer.testing.TestCoffer;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
    private static final Map<String, String> REMOTE = Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "x",
            "AWS_ENDPOINT_URL", "http://127.0.0.1:1");

    @Test
    void remoteMode_missingKey_refusedNamingTheKey() {
        CofferConfig config = TestCoffer.config("", REMOTE);
        assertThatThrownBy(() -> SigningKeys.resolve(config)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.secret_key: is required outside local mode");
    }

    @Test
    void shortOrRepetitiveKey_refusedWithoutQuotingIt() {
        var shortKey = new java.util.HashMap<>(REMOTE);
        shortKey.put("SECRET_KEY", "too-short-secret");
        assertThatThrownBy(() -> SigningKeys.resolve(TestCoffer.config("", shortKey)))
                .hasMessage("auth.secret_key: is 16 bytes; use at least 32 random bytes (e.g. openssl rand -base64 48)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("too-short-secret"));
        var repetitive = new java.util.HashMap<>(REMOTE);
        repetitive.put("SECRET_KEY", "a".repeat(40));
        assertThatThrownBy(() -> SigningKeys.resolve(TestCoffer.config("", repetitive))).hasMessageContaining("too repetitive");
    }

    @Test
    void localMode_generatedOnceKeptInDataDirOwnerOnly() throws Exception {
        CofferConfig config = TestCoffer.config("", Map.of());
        String first = SigningKeys.resolve(config).reveal();
        String second = SigningKeys.resolve(config).reveal();

        assertThat(first).hasSizeGreaterThanOrEqualTo(32).isEqualTo(second);
        var file = config.dataDir().resolve(SigningKeys.FILE_NAME);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void serviceKeys_generatedKeyMatchesItsHashOnly() {
        String[] pair = ServiceKeys.generate();
        var keys = new ServiceKeys(java.util.List.of(pair[1]));
        assertThat(pair[0]).startsWith("ck_");
        assertThat(keys.accepts(pair[0])).isTrue();
        assertThat(keys.accepts(ServiceKeys.generate()[0])).isFalse();
    }
}
