package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** `coffer init` on the embedded default: plan first, dry run changes nothing, idempotent. */
class InitCommandTest {
    @TempDir
    Path dir;

    private CliRun init(String... extra) throws Exception {
        return CliRun.onEmbeddedDefault(dir, "init-users", "init", extra);
    }

    @Test
    void init_dryRun_printsPlanAndCreatesNothing() throws Exception {
        CliRun run = init("--dry-run");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("  + create table init-users (key user_id, global index email-index, on-demand billing)")
                .contains("  + create bucket coffer-files in us-east-1")
                .contains("  + create table init-users-auth (key pk, TTL on ttl, on-demand billing)")
                .contains("dry run: 3 change(s) planned, nothing done");
        assertThat(tableNames()).doesNotContain("init-users");
    }

    @Test
    void init_twice_createsThenReportsNothingToDo() throws Exception {
        CliRun first = init();
        CliRun second = init();

        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("done: 3 change(s) made");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("  = table init-users exists and matches").contains("  = bucket coffer-files exists")
                .contains("nothing to do");
        assertThat(tableNames()).contains("init-users");
    }

    @Test
    void init_existingTableAndBucketThatDiffer_reportedLeftUnchangedExit1() throws Exception {
        try (MotoServer moto = MotoServer.start(-1)) {
            String suffix = Long.toHexString(System.nanoTime());
            // A table of the collection's name with another sort key, and a bucket without encryption.
            moto.cli("AKIAINITTEST00000001", "secret", java.util.List.of("dynamodb", "create-table", "--table-name", "notes-" + suffix,
                    "--attribute-definitions", "AttributeName=user_id,AttributeType=S", "AttributeName=other_id,AttributeType=S",
                    "--key-schema", "AttributeName=user_id,KeyType=HASH", "AttributeName=other_id,KeyType=RANGE",
                    "--billing-mode", "PAY_PER_REQUEST"));
            moto.cli("AKIAINITTEST00000001", "secret", java.util.List.of("s3api", "create-bucket", "--bucket", "files-" + suffix));
            Path toml = dir.resolve("remote.toml");
            Files.writeString(toml, "[collections.notes]\ntable = \"notes-" + suffix + "\"\nsort_key = \"note_id\"\n");
            Path env = dir.resolve("remote.env");
            Files.writeString(env, String.join("\n", "AWS_ACCESS_KEY_ID=AKIAINITTEST00000001", "AWS_SECRET_ACCESS_KEY=secret",
                    "AWS_REGION=us-east-1", "AWS_ENDPOINT_URL_STS=" + moto.endpoint(), "AWS_DYNAMODB_ENDPOINT=" + moto.endpoint(),
                    "AWS_ENDPOINT_URL_S3=" + moto.endpoint(), "S3_BUCKET=files-" + suffix, "COFFER_USERS_TABLE=users-" + suffix,
                    "SECRET_KEY=init-test-signing-key-0123456789abcdefghij"));

            CliRun run = CliRun.of("init", "--config", toml.toString(), "--env-file", env.toString());

            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.out()).contains("  = table notes-" + suffix + " exists but differs (left unchanged): table key is "
                    + "[user_id HASH, other_id RANGE], expected [user_id HASH, note_id RANGE]")
                    // moto is reached through an endpoint: an S3-compatible server, whose missing security
                    // settings are reported but not refused (AWS itself gets BucketDiffers).
                    .contains("  = bucket files-" + suffix + " exists (S3-compatible server: no default encryption; "
                            + "no Block Public Access configuration; AWS buckets must have them)")
                    .contains("  + create table users-" + suffix);
            String table = moto.cli("AKIAINITTEST00000001", "secret", java.util.List.of("dynamodb", "describe-table",
                    "--table-name", "notes-" + suffix));
            assertThat(table).contains("other_id").doesNotContain("note_id");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> moto.cli("AKIAINITTEST00000001", "secret",
                    java.util.List.of("s3api", "get-bucket-encryption", "--bucket", "files-" + suffix)))
                    .hasMessageContaining("ServerSideEncryptionConfigurationNotFoundError");
        }
    }

    private java.util.List<String> tableNames() throws Exception {
        try (EmbeddedServers stack = EmbeddedServers.onDisk(dir.resolve("data")).start("test");
             DynamoDbClient client = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint())
                     .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                     .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                             EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY))
                     .build()) {
            return client.listTables().tableNames();
        }
    }
}
