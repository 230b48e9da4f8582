package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.LocalStack;
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

    private java.util.List<String> tableNames() throws Exception {
        try (LocalStack stack = LocalStack.onDisk(dir.resolve("data")).start("test");
             DynamoDbClient client = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint())
                     .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                     .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                             LocalStack.ACCESS_KEY_ID, LocalStack.SECRET_ACCESS_KEY))
                     .build()) {
            return client.listTables().tableNames();
        }
    }
}
