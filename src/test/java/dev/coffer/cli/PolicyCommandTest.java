package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.support.Json;
import dev.coffer.testing.MotoServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `coffer policy` as an operator runs it: account from the caller identity, KMS from the files config. */
class PolicyCommandTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path files(String stsEndpoint) throws Exception {
        Files.writeString(dir.resolve("coffer.toml"), "[files]\nsse = \"kms\"\nkms_key_id = \"1234abcd-12ab-34cd-56ef-1234567890ab\"\n");
        Files.writeString(dir.resolve(".env"), String.join("\n", "AWS_ACCESS_KEY_ID=AKIAPOLICYTEST000001",
                "AWS_SECRET_ACCESS_KEY=policy-test-secret", "AWS_REGION=eu-west-1", "AWS_ENDPOINT_URL_STS=" + stsEndpoint,
                "AWS_DYNAMODB_ENDPOINT=" + stsEndpoint, "AWS_ENDPOINT_URL_S3=" + stsEndpoint, "S3_BUCKET=policy-bucket",
                "SECRET_KEY=policy-command-signing-key-0123456789abcdef"));
        return dir;
    }

    private static List<String> resources(JsonNode policy) {
        var out = new ArrayList<String>();
        policy.path("Statement").forEach(s -> s.path("Resource").forEach(r -> out.add(r.asText())));
        return out;
    }

    @Test
    void policy_accountFromCallerIdentity_andKmsKeyOfSseKms() throws Exception {
        try (MotoServer moto = MotoServer.start(-1)) {
            Path d = files(moto.endpoint().toString());

            CliRun run = run("policy", "--config", d.resolve("coffer.toml").toString(), "--env-file", d.resolve(".env").toString());

            assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
            assertThat(run.err()).doesNotContain("account unknown");
            JsonNode policy = Json.mapper().readTree(run.out());
            assertThat(resources(policy)).contains("arn:aws:dynamodb:eu-west-1:123456789012:table/coffer-users",
                    "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:s3:::policy-bucket/users/*");
        }
    }

    @Test
    void policy_identityUnreachable_wildcardAccountAndTheReasonOnStderr() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path d = files("http://127.0.0.1:" + closedPort);

        CliRun run = run("policy", "--config", d.resolve("coffer.toml").toString(), "--env-file", d.resolve(".env").toString());

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.err()).contains("# caller identity unknown (").contains("# account unknown: table ARNs use '*' for the account");
        assertThat(resources(Json.mapper().readTree(run.out()))).contains("arn:aws:dynamodb:eu-west-1:*:table/coffer-users");
    }
}
