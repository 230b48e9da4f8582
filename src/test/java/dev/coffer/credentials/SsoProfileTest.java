package dev.coffer.credentials;

import dev.coffer.testing.ExpiredSsoProfile;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.testing.TestCoffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An SSO profile chosen explicitly whose login has expired: refused with the `aws sso login --profile NAME` fix. */
class SsoProfileTest {
    @Test
    void ssoProfile_expiredToken_failsWithSsoLoginFixNamingTheProfile() throws Exception {
        Path home = ExpiredSsoProfile.home("sso-home");
        Path config = home.resolve(".aws/config");
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
