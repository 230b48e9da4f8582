package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.config.CofferConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.TestCoffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Credential checks against a real STS implementation (moto) on loopback. */
class CredentialsWithMotoTest {
    static MotoServer moto;
    static final String KEY = "AKIAMOTOTESTKEY00001";
    static final String SECRET = "motoTestSecretKey/0123456789abcdefghijklm";

    @BeforeAll
    static void start() {
        moto = MotoServer.start(-1);
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    static Map<String, String> env(String... pairs) {
        var env = new HashMap<String, String>();
        env.put("AWS_ENDPOINT_URL_STS", moto.endpoint().toString());
        env.put("AWS_DYNAMODB_ENDPOINT", moto.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", moto.endpoint().toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void staticKeys_identityFromGetCallerIdentity() {
        CofferConfig config = TestCoffer.config("", env("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET));
        ResolvedCredentials credentials = TestCredentials.resolve(config);

        IdentityCheck.Identity identity = TestCredentials.verify(config);

        assertThat(credentials.mode().label()).isEqualTo("static");
        assertThat(credentials.source()).isEqualTo("environment");
        assertThat(credentials.maskedAccessKeyId()).isEqualTo("AKIA****0001");
        assertThat(identity.account()).isEqualTo("123456789012");
        assertThat(identity.arn()).startsWith("arn:aws:");
    }

    @Test
    void sessionKeysFromGetSessionToken_sessionModeWithExpiry() throws Exception {
        JsonNode session = Json.mapper().readTree(moto.cli(KEY, SECRET, List.of("sts", "get-session-token"))).path("Credentials");
        CofferConfig config = TestCoffer.config("", env("AWS_ACCESS_KEY_ID", session.path("AccessKeyId").asText(),
                "AWS_SECRET_ACCESS_KEY", session.path("SecretAccessKey").asText(),
                "AWS_SESSION_TOKEN", session.path("SessionToken").asText(),
                "AWS_CREDENTIAL_EXPIRATION", session.path("Expiration").asText()));

        ResolvedCredentials credentials = TestCredentials.resolve(config);

        assertThat(credentials.mode().label()).isEqualTo("session");
        assertThat(credentials.expiration()).isPresent();
        assertThat(TestCredentials.verify(config).account()).isEqualTo("123456789012");
    }

    @Test
    void expectedAccount_otherAccount_refusedWithBothNumbers() {
        CofferConfig config = TestCoffer.config("", env("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                "COFFER_AWS_EXPECTED_ACCOUNT_ID", "111111111111"));

        assertThatThrownBy(() -> TestCredentials.verify(config))
                .isInstanceOf(CofferException.class)
                .hasMessage("credentials belong to account 123456789012, expected 111111111111")
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.WRONG_ACCOUNT));
    }

    @Test
    void serve_wrongAccount_startUpRefusedExitCode3AndNoSecretLogged() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            var out = new java.io.ByteArrayOutputStream();
            var oldErr = System.err;
            System.setErr(new java.io.PrintStream(out, true));
            int code;
            java.nio.file.Path envFile = java.nio.file.Files.createTempFile("coffer", ".env");
            var lines = new StringBuilder();
            env("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET, "COFFER_AWS_EXPECTED_ACCOUNT_ID", "111111111111",
                    "SECRET_KEY", "moto-test-signing-key-0123456789abcdefghij", "COFFER_PORT", "0",
                    "COFFER_DATA_DIR", java.nio.file.Files.createTempDirectory("coffer").toString())
                    .forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
            java.nio.file.Files.writeString(envFile, lines);
            try {
                code = dev.coffer.cli.Main.run("serve", "--env-file", envFile.toString());
            } finally {
                System.setErr(oldErr);
            }
            assertThat(code).isEqualTo(3);
            assertThat(out.toString()).contains("coffer: cannot start: wrong_account: credentials belong to account 123456789012, "
                    + "expected 111111111111. Fix:").doesNotContain(SECRET);
            assertThat(logs.text()).doesNotContain(SECRET);
        }
    }

    @Test
    void assumeRole_onTopOfStaticKeys_identityIsTheRole() throws Exception {
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}";
        JsonNode role = Json.mapper().readTree(moto.cli(KEY, SECRET, List.of("iam", "create-role", "--role-name", "coffer-app",
                "--assume-role-policy-document", trust))).path("Role");
        CofferConfig config = TestCoffer.config("", env("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                "COFFER_AWS_CREDENTIALS_ASSUME_ROLE_ARN", role.path("Arn").asText(), "COFFER_AWS_CREDENTIALS_ASSUME_ROLE_EXTERNAL_ID", "ext-1"));

        ResolvedCredentials credentials = TestCredentials.resolve(config);
        IdentityCheck.Identity identity = TestCredentials.verify(config);

        assertThat(credentials.mode().label()).isEqualTo("assume-role");
        assertThat(credentials.source()).isEqualTo("static:environment -> " + role.path("Arn").asText());
        assertThat(credentials.expiration()).isPresent();
        assertThat(identity.arn()).contains("assumed-role/coffer-app/coffer");
    }

    @Test
    void webIdentity_tokenFileAndRole_assumedThroughSts() throws Exception {
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"x\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}";
        JsonNode role = Json.mapper().readTree(moto.cli(KEY, SECRET, List.of("iam", "create-role", "--role-name", "coffer-web",
                "--assume-role-policy-document", trust))).path("Role");
        var token = java.nio.file.Files.createTempFile("token", ".jwt");
        java.nio.file.Files.writeString(token, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        CofferConfig config = TestCoffer.config("", env("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(), "AWS_ROLE_ARN",
                role.path("Arn").asText()));

        ResolvedCredentials credentials = TestCredentials.resolve(config);

        assertThat(credentials.mode().label()).isEqualTo("role");
        assertThat(credentials.source()).isEqualTo("web-identity");
        assertThat(credentials.expiration()).isPresent();
    }
}
