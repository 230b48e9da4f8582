package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.auth.AdminAccounts;
import dev.coffer.backends.Backends;
import dev.coffer.config.ConfigLoader;
import dev.coffer.credentials.Credentials;
import dev.coffer.error.CofferException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer admin create}: writes an admin the console can log in with; refuses duplicates and short passwords. */
class AdminCommandTest {
    @TempDir
    Path dir;

    private CliRun create(String email, String stdin) throws Exception {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            Path toml = dir.resolve("coffer.toml");
            Files.writeString(toml, "[local]\ndata_dir = \"" + dir.resolve("data") + "\"\n[dynamodb]\nusers_table = \"admin-users\"\n");
            Files.writeString(dir.resolve("empty.env"), "");
            return CliRun.of("admin", "create", email, "--password-stdin", "--config", toml.toString(), "--env-file",
                    dir.resolve("empty.env").toString());
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void create_fromStdin_thenTheAdminLogsIn_aSecondTimeIsAConflict() throws Exception {
        CliRun first = create("ops@example.com", "console password 1\n");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("created admin ops@example.com (id ").contains("/console/");

        CliRun again = create("OPS@example.com", "another password 2\n");
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(again.err()).contains("coffer: admin create failed: conflict").contains("an admin with this email exists already");

        var config = ConfigLoader.load(new ConfigLoader.Sources(Optional.of(dir.resolve("coffer.toml")), Optional.of(dir.resolve("empty.env")),
                Map.of(), Map.of()));
        try (Backends backends = Backends.open(config, Clock.systemUTC(), Credentials.Verification.AS_CONFIGURED)) {
            var admins = AdminAccounts.open(backends.config(), backends.dynamoDb(), Clock.systemUTC());
            assertThat(admins.anyAdmin()).isTrue();
            assertThat(admins.login("ops@example.com", "console password 1", "127.0.0.1").admin().email()).isEqualTo("ops@example.com");
            try {
                admins.login("ops@example.com", "another password 2", "127.0.0.1");
                throw new AssertionError("the second password must not log in");
            } catch (CofferException expected) {
                assertThat(expected.code().code()).isEqualTo("unauthorized");
            }
        }
    }

    @Test
    void create_shortPassword_refusedNamingTheField() throws Exception {
        CliRun run = create("ops@example.com", "short\n");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.err()).contains("validation_failed").contains("'password' must be 8 to 128 characters");
    }

    @Test
    void create_emptyStdin_saysHowToPassThePassword() throws Exception {
        CliRun run = create("ops@example.com", "");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(run.err()).contains("--password-stdin read no password");
    }
}
