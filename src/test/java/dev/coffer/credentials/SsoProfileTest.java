package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.testing.TestCoffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An SSO profile chosen explicitly whose login has expired: refused with the `aws sso login --profile NAME` fix. */
class SsoProfileTest {
    @Test
    void ssoProfile_expiredToken_failsWithSsoLoginFixNamingTheProfile() throws Exception {
        Path home = Files.createTempDirectory("sso-home");
        Path config = home.resolve(".aws/config");
        Files.createDirectories(home.resolve(".aws/sso/cache"));
        Files.writeString(config, """
                [profile dev]
                sso_session = coffer-sso
                sso_account_id = 123456789012
                sso_role_name = Developer
                region = us-east-1
                [sso-session coffer-sso]
                sso_start_url = https://example.awsapps.com/start
                sso_region = us-east-1
                """);
        String cacheName = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest("coffer-sso".getBytes())) + ".json";
        Files.writeString(home.resolve(".aws/sso/cache/" + cacheName), "{\"accessToken\":\"expired-token\",\"expiresAt\":"
                + "\"2020-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"startUrl\":\"https://example.awsapps.com/start\"}");
        String oldHome = System.getProperty("user.home");
        String oldConfig = System.getProperty("aws.configFile");
        System.setProperty("user.home", home.toString());
        System.setProperty("aws.configFile", config.toString());
        try {
            var settings = TestCoffer.config("", Map.of("COFFER_AWS_CREDENTIALS_MODE", "sso", "AWS_PROFILE", "dev",
                    "AWS_DYNAMODB_ENDPOINT", "http://127.0.0.1:9"));
            assertThatThrownBy(() -> TestCredentials.resolve(settings))
                    .isInstanceOf(CofferException.class)
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.EXPIRED_CREDENTIALS))
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((CofferException) e).fix())
                            .contains("run 'aws sso login --profile dev' and try again"));
        } finally {
            System.setProperty("user.home", oldHome);
            if (oldConfig == null) {
                System.clearProperty("aws.configFile");
            } else {
                System.setProperty("aws.configFile", oldConfig);
            }
        }
    }
}
