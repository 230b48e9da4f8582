package dev.coffer.credentials;

import dev.coffer.testing.ExpiredSsoProfile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.app.CofferServer;
import dev.coffer.cli.Main;
import dev.coffer.config.CofferConfig;
import dev.coffer.support.Json;
import dev.coffer.testing.CredentialEndpoints;
import dev.coffer.testing.Http;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.TestCoffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every credentials mode, driven through {@code serve}'s start-up (the same {@code CofferServer}
 * start the command runs) to {@code /health} = healthy, or to the documented refusal: STS, DynamoDB
 * and S3 on moto, the platforms' credential endpoints as loopback stand-ins the SDK reads.
 */
class ServeInEveryModeTest {
    static MotoServer moto;
    static final String KEY = "AKIAEVERYMODE0000001";
    static final String SECRET = "everyModeSecret0123456789abcdefghijklmno";
    static final String DEAD_IMDS = "http://127.0.0.1:9";

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start(-1);
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    /** Data and STS on moto; nothing else (no keys, no platform). */
    private static Map<String, String> onMoto(String... pairs) {
        var env = new HashMap<String, String>();
        env.put("AWS_ENDPOINT_URL_STS", moto.endpoint().toString());
        env.put("AWS_DYNAMODB_ENDPOINT", moto.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", moto.endpoint().toString());
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", DEAD_IMDS);
        env.put("SECRET_KEY", "every-mode-signing-key-0123456789abcdefghi");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** Starts Coffer as serve does, asks /health, and returns its credentials section after checking the whole is healthy. */
    private static JsonNode healthyCredentials(CofferConfig config) throws Exception {
        try (var coffer = TestCoffer.startRemote(config)) {
            Http.Response health = coffer.http().get("/health");
            assertThat(health.status()).as(health.body()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).as(health.body()).isEqualTo("healthy");
            assertThat(health.json().path("dynamodb").path("status").asText()).isEqualTo("connected");
            assertThat(health.json().path("s3").path("status").asText()).isEqualTo("connected");
            assertThat(health.json().path("credentials").path("status").asText()).isEqualTo("valid");
            return health.json().path("credentials");
        }
    }

    @Test
    void static_serveCommand_startsAndHealthAnswers200() throws Exception {
        Path env = Files.createTempFile("every-mode", ".env");
        var lines = new StringBuilder();
        onMoto("COFFER_AWS_CREDENTIALS_MODE", "static", "AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET, "COFFER_PORT", "0",
                "COFFER_HOST", "127.0.0.1", "COFFER_USERS_TABLE", "static-users", "S3_BUCKET", "static-files",
                "COFFER_DATA_DIR", Files.createTempDirectory("every-mode").toString())
                .forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(env, lines);

        assertThat(Main.run("serve", "--env-file", env.toString(), "--exit-when-ready")).isZero();
        JsonNode credentials = healthyCredentials(TestCoffer.config("", onMoto("COFFER_AWS_CREDENTIALS_MODE", "static",
                "AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET)));
        assertThat(credentials.path("mode").asText()).isEqualTo("static");
        assertThat(credentials.path("source").asText()).isEqualTo("environment");
    }

    @Test
    void session_keysFromGetSessionToken_healthy() throws Exception {
        JsonNode session = Json.mapper().readTree(moto.cli(KEY, SECRET, List.of("sts", "get-session-token"))).path("Credentials");

        JsonNode credentials = healthyCredentials(TestCoffer.config("", onMoto("COFFER_AWS_CREDENTIALS_MODE", "session",
                "AWS_ACCESS_KEY_ID", session.path("AccessKeyId").asText(), "AWS_SECRET_ACCESS_KEY", session.path("SecretAccessKey").asText(),
                "AWS_SESSION_TOKEN", session.path("SessionToken").asText(), "AWS_CREDENTIAL_EXPIRATION", session.path("Expiration").asText())));

        assertThat(credentials.path("mode").asText()).isEqualTo("session");
        assertThat(credentials.path("expires_at").asText()).isNotEmpty();
    }

    @Test
    void role_containerCredentials_healthy() throws Exception {
        Instant expiry = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        try (var ecs = CredentialEndpoints.container("/v2/credentials/every-mode", "ASIAEVERYCONTAINER01", expiry)) {
            JsonNode credentials = healthyCredentials(TestCoffer.config("", onMoto("COFFER_AWS_CREDENTIALS_MODE", "role",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.uri("/v2/credentials/every-mode").toString())));

            assertThat(credentials.path("mode").asText()).isEqualTo("role");
            assertThat(credentials.path("source").asText()).isEqualTo("container");
            assertThat(credentials.path("access_key_id").asText()).isEqualTo("ASIA****ER01");
            assertThat(credentials.path("expires_at").asText()).isEqualTo(expiry.toString());
        }
    }

    @Test
    void role_webIdentity_healthy() throws Exception {
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"x\"},"
                + "\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}";
        JsonNode role = Json.mapper().readTree(moto.cli(KEY, SECRET, List.of("iam", "create-role", "--role-name", "every-mode-web",
                "--assume-role-policy-document", trust))).path("Role");
        Path token = Files.createTempFile("token", ".jwt");
        Files.writeString(token, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");

        JsonNode credentials = healthyCredentials(TestCoffer.config("", onMoto("COFFER_AWS_CREDENTIALS_MODE", "role",
                "AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(), "AWS_ROLE_ARN", role.path("Arn").asText())));

        assertThat(credentials.path("mode").asText()).isEqualTo("role");
        assertThat(credentials.path("source").asText()).isEqualTo("web-identity");
        assertThat(credentials.path("expires_at").asText()).isNotEmpty();
    }

    @Test
    void role_instanceProfileOverImdsV2_healthy() throws Exception {
        Instant expiry = Instant.now().plus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        try (var imds = CredentialEndpoints.imdsV2("ASIAEVERYINSTANCE001", expiry)) {
            JsonNode credentials = healthyCredentials(TestCoffer.config("", onMoto("COFFER_AWS_CREDENTIALS_MODE", "role",
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.uri("").toString())));

            assertThat(credentials.path("mode").asText()).isEqualTo("role");
            assertThat(credentials.path("source").asText()).isEqualTo("instance-profile");
            assertThat(credentials.path("expires_at").asText()).isEqualTo(expiry.toString());
            assertThat(imds.tokenRequests()).as("IMDSv2 session token used").isPositive();
        }
    }

    @Test
    void profile_namedProfileOfSharedFiles_healthy() throws Exception {
        Path dir = Files.createTempDirectory("every-mode-profile");
        Path credentialsFile = dir.resolve("credentials");
        Files.writeString(credentialsFile, "[coffer-dev]\naws_access_key_id = AKIAEVERYPROFILE0001\naws_secret_access_key = " + SECRET + "\n");
        Path configFile = dir.resolve("config");
        Files.writeString(configFile, "");
        try (var files = SharedFiles.at(credentialsFile, configFile)) {
            JsonNode credentials = healthyCredentials(TestCoffer.config("", onMoto("COFFER_AWS_CREDENTIALS_MODE", "profile",
                    "AWS_PROFILE", "coffer-dev")));

            assertThat(credentials.path("mode").asText()).isEqualTo("profile");
            assertThat(credentials.path("source").asText()).isEqualTo("profile:coffer-dev");
            assertThat(credentials.path("access_key_id").asText()).isEqualTo("AKIA****0001");
        }
    }

    @Test
    void sso_expiredCache_serveRefusesExit3WithSsoLoginFix() throws Exception {
        Path home = ExpiredSsoProfile.home("every-mode-sso");
        Path config = home.resolve(".aws/config");
        Path env = Files.createTempFile("every-mode-sso", ".env");
        var lines = new StringBuilder();
        onMoto("COFFER_AWS_CREDENTIALS_MODE", "sso", "AWS_PROFILE", "dev", "COFFER_PORT", "0",
                "COFFER_DATA_DIR", Files.createTempDirectory("every-mode").toString())
                .forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(env, lines);
        String oldHome = System.getProperty("user.home");
        var err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        int code;
        try (var files = SharedFiles.at(home.resolve(".aws/credentials"), config)) {
            System.setProperty("user.home", home.toString());
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run("serve", "--env-file", env.toString());
        } finally {
            System.setErr(oldErr);
            System.setProperty("user.home", oldHome);
        }

        assertThat(code).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("coffer: cannot start: expired_credentials: the SSO "
                + "login of profile dev has expired. Fix: run 'aws sso login --profile dev' and try again");
    }

    @Test
    void assumeRole_onTopOfStaticKeys_healthyAsTheRole() throws Exception {
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}";
        JsonNode role = Json.mapper().readTree(moto.cli(KEY, SECRET, List.of("iam", "create-role", "--role-name", "every-mode-assumed",
                "--assume-role-policy-document", trust))).path("Role");

        JsonNode credentials = healthyCredentials(TestCoffer.config("", onMoto("COFFER_AWS_CREDENTIALS_MODE", "assume-role",
                "AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                "COFFER_AWS_CREDENTIALS_ASSUME_ROLE_ARN", role.path("Arn").asText())));

        assertThat(credentials.path("mode").asText()).isEqualTo("assume-role");
        assertThat(credentials.path("source").asText()).isEqualTo("static:environment -> " + role.path("Arn").asText());
        assertThat(credentials.path("expires_at").asText()).isNotEmpty();
    }

    @Test
    void local_embeddedDefault_healthy() throws Exception {
        CofferConfig config = TestCoffer.config("", Map.of());
        try (CofferServer server = CofferServer.start(config, Clock.systemUTC())) {
            var http = new Http(URI.create("http://127.0.0.1:" + server.port() + "/"));
            JsonNode health = http.get("/health").json();

            assertThat(health.path("status").asText()).isEqualTo("healthy");
            assertThat(health.path("credentials").path("mode").asText()).isEqualTo("local");
            assertThat(health.path("credentials").path("source").asText()).isEqualTo("embedded");
        }
    }

    @Test
    void versioning_onForTheBucketAfterServeAlone() throws Exception {
        CofferConfig config = TestCoffer.config("", onMoto("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                "COFFER_S3_VERSIONING", "true"));

        healthyCredentials(config);

        String versioning = moto.cli(KEY, SECRET, List.of("s3api", "get-bucket-versioning", "--bucket", config.storage().bucket()));
        assertThat(Json.mapper().readTree(versioning).path("Status").asText()).isEqualTo("Enabled");
    }

    /** Points the SDK's shared credentials and config files at test files for one test, as AWS_SHARED_CREDENTIALS_FILE would. */
    private record SharedFiles(String oldCredentials, String oldConfig) implements AutoCloseable {
        static SharedFiles at(Path credentials, Path config) {
            var saved = new SharedFiles(System.getProperty("aws.sharedCredentialsFile"), System.getProperty("aws.configFile"));
            System.setProperty("aws.sharedCredentialsFile", credentials.toString());
            System.setProperty("aws.configFile", config.toString());
            return saved;
        }

        @Override
        public void close() {
            restore("aws.sharedCredentialsFile", oldCredentials);
            restore("aws.configFile", oldConfig);
        }

        private static void restore(String property, String value) {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
        }
    }
}
