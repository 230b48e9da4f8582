package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `coffer doctor` as CI runs it: exit 1 and the failing line before `init`, exit 0 after; `--json`. */
class DoctorCommandTest {
    @TempDir
    Path dir;

    private CliRun run(String command, String... extra) throws Exception {
        return CliRun.onEmbeddedDefault(dir, "doctor-users", command, extra);
    }

    @Test
    void doctor_beforeAndAfterInit_exitCodeSaysFitToServe() throws Exception {
        CliRun before = run("doctor");

        assertThat(before.exitCode()).isEqualTo(1);
        assertThat(before.out()).contains("FAIL  table doctor-users: missing_table: the table does not exist. Fix: run 'coffer init'")
                .endsWith("NOT fit to serve: fix the FAIL lines above\n");

        assertThat(run("init").exitCode()).isZero();
        CliRun after = run("doctor");

        assertThat(after.exitCode()).as(after.out()).isZero();
        assertThat(after.out()).doesNotContain("FAIL").endsWith("fit to serve\n");
    }

    @Test
    void doctor_unusedVariable_warnLineUnderConfig_stillFitAfterInit() throws Exception {
        assertThat(run("init").exitCode()).isZero();
        Path toml = dir.resolve("coffer.toml");
        Path env = dir.resolve("typo.env");
        Files.writeString(env, "COFFER_LOG_LEVLE=debug\n");

        CliRun run = CliRun.of("doctor", "--config", toml.toString(), "--env-file", env.toString());

        assertThat(run.exitCode()).as(run.out()).isZero();
        var lines = run.out().lines().toList();
        int warn = lines.indexOf("warn  config: environment variable COFFER_LOG_LEVLE (from .env) is not used by Coffer; "
                + "did you mean COFFER_LOG_LEVEL?");
        assertThat(warn).as(run.out()).isPositive();
        assertThat(lines.get(warn - 1)).startsWith("ok    config: ");
        assertThat(run.out()).endsWith("fit to serve\n");
    }

    @Test
    void doctorJson_fitFlagAndOneObjectPerCheck() throws Exception {
        CliRun run = run("doctor", "--json");

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode report = Json.mapper().readTree(run.out());
        assertThat(report.path("fit_to_serve").asBoolean(true)).isFalse();
        JsonNode table = null;
        for (JsonNode check : report.path("checks")) {
            assertThat(check.path("status").asText()).isIn("ok", "warn", "fail", "skipped");
            if (check.path("check").asText().equals("table doctor-users")) {
                table = check;
            }
        }
        assertThat(table).isNotNull();
        assertThat(table.path("status").asText()).isEqualTo("fail");
        assertThat(table.path("code").asText()).isEqualTo("missing_table");
        assertThat(table.path("fix").asText()).isEqualTo("run 'coffer init'");
    }
}
