package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.cli.Main;
import dev.coffer.support.Json;
import dev.coffer.testing.CredentialEndpoints;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.TestCoffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EC2 instance profile over IMDSv2 (a loopback fixture the SDK talks to), and `coffer whoami`. */
class InstanceProfileAndWhoamiTest {

    @Test
    void imdsV2Fixture_autoPicksUpInstanceProfileKeysAndExpiry() throws Exception {
        Instant expiry = Instant.now().plusSeconds(6 * 3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (var imds = CredentialEndpoints.imdsV2("ASIAINSTANCEKEY00001", expiry)) {
            var config = TestCoffer.config("", Map.of("AWS_DYNAMODB_ENDPOINT", "http://127.0.0.1:9",
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.uri("").toString()));

            ResolvedCredentials credentials = TestCredentials.resolve(config);

            assertThat(credentials.mode().label()).isEqualTo("role");
            assertThat(credentials.source()).isEqualTo("instance-profile");
            assertThat(credentials.maskedAccessKeyId()).isEqualTo("ASIA****0001");
            assertThat(credentials.expiration()).contains(expiry);
            assertThat(imds.tokenRequests()).as("IMDSv2 session token used").isPositive();
        }
    }

    @Test
    void whoamiJson_printsIdentityWithMaskedKeyNeverTheSecret() throws Exception {
        String secret = "whoamiSecret0123456789abcdefghijklmnopqr";
        try (MotoServer moto = MotoServer.start(-1)) {
            Path env = Files.createTempFile("whoami", ".env");
            Files.writeString(env, "AWS_ACCESS_KEY_ID=AKIAWHOAMITEST000001\nAWS_SECRET_ACCESS_KEY=" + secret + "\nAWS_ENDPOINT_URL_STS="
                    + moto.endpoint() + "\nAWS_DYNAMODB_ENDPOINT=" + moto.endpoint() + "\n");
            var out = new ByteArrayOutputStream();
            PrintStream old = System.out;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = Main.run("whoami", "--json", "--env-file", env.toString());
            } finally {
                System.setOut(old);
            }
            var json = Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
            assertThat(code).isZero();
            assertThat(json.path("mode").asText()).isEqualTo("static");
            assertThat(json.path("source").asText()).isEqualTo(".env");
            assertThat(json.path("access_key_id").asText()).isEqualTo("AKIA****0001");
            assertThat(json.path("account").asText()).isEqualTo("123456789012");
            assertThat(json.has("arn")).isTrue();
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(secret);
        }
    }

    @Test
    void whoami_expiredKeys_exit3WithRenewFix() throws Exception {
        Path env = Files.createTempFile("whoami", ".env");
        Files.writeString(env, "AWS_ACCESS_KEY_ID=ASIAEXPIREDKEY000001\nAWS_SECRET_ACCESS_KEY=x\nAWS_SESSION_TOKEN=t\n"
                + "AWS_CREDENTIAL_EXPIRATION=2020-01-01T00:00:00Z\nAWS_DYNAMODB_ENDPOINT=http://127.0.0.1:9\n");
        var err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("whoami", "--env-file", env.toString());
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith(
                "coffer: expired_credentials: the AWS credentials expired at 2020-01-01T00:00:00Z (AWS_CREDENTIAL_EXPIRATION). Fix: renew them");
    }
}
