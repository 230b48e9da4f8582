package dev.coffer.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A home folder whose {@code ~/.aws/config} has SSO profile {@code dev} and whose SSO token cache
 * holds a login that expired in 2020: what an operator has the morning after.
 */
public final class ExpiredSsoProfile {
    private ExpiredSsoProfile() {
    }

    /** A new home folder under the temp dir, named after {@code prefix}; its config is {@code .aws/config}. */
    public static Path home(String prefix) throws IOException {
        Path home = Files.createTempDirectory(prefix);
        Files.createDirectories(home.resolve(".aws/sso/cache"));
        Files.writeString(home.resolve(".aws/config"), """
                [profile dev]
                sso_session = coffer-sso
                sso_account_id = 123456789012
                sso_role_name = Developer
                region = us-east-1
                [sso-session coffer-sso]
                sso_start_url = https://example.awsapps.com/start
                sso_region = us-east-1
                """);
        try {
            // The SDK finds a session's token under the SHA-1 of the session name.
            String cacheName = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest("coffer-sso".getBytes(StandardCharsets.UTF_8))) + ".json";
            Files.writeString(home.resolve(".aws/sso/cache/" + cacheName), "{\"accessToken\":\"expired-token\",\"expiresAt\":"
                    + "\"2020-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"startUrl\":\"https://example.awsapps.com/start\"}");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return home;
    }
}
