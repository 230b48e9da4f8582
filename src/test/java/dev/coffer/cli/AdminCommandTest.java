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

    /**
     * Beside a running {@code serve}, whose embedded servers hold the data folder (and its SQLite
     * file, exclusively), the command uses those servers instead of opening the files again.
     */
    @Test
    void create_whileTheFolderIsServed_usesTheRunningServers() throws Exception {
        var config = ConfigLoader.load(new ConfigLoader.Sources(Optional.empty(), Optional.empty(),
                Map.of("COFFER_DATA_DIR", dir.resolve("data").toString(), "COFFER_DYNAMODB_USERS_TABLE", "admin-users"), Map.of()));
        try (var serving = dev.coffer.local.EmbeddedServers.onDisk(dir.resolve("data")).start("serving")) {
            CliRun run = create("ops@example.com", "console password 1\n");
            assertThat(run.exitCode()).as(run.err()).isZero();
            try (Backends beside = Backends.open(config, Clock.systemUTC(), Credentials.Verification.AS_CONFIGURED)) {
                assertThat(beside.config().aws().dynamodbEndpoint()).contains(serving.dynamoDb().endpoint());
                var admins = AdminAccounts.open(beside.config(), beside.dynamoDb(), Clock.systemUTC());
                assertThat(admins.login("ops@example.com", "console password 1", "127.0.0.1").admin().email()).isEqualTo("ops@example.com");
            }
        }
        try (Backends own = Backends.open(config, Clock.systemUTC(), Credentials.Verification.AS_CONFIGURED)) {
            var admins = AdminAccounts.open(own.config(), own.dynamoDb(), Clock.systemUTC());
            assertThat(admins.anyAdmin()).isTrue();
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
