package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes and the one-line messages an operator sees. */
class CliTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void serve_unknownKeyInConfig_exit2WithOneLineNamingTheKey() throws Exception {
        Path toml = dir.resolve("coffer.toml");
        Files.writeString(toml, "[s3]\nbucket_name = \"x\"\n");

        CliRun run = run("serve", "--config", toml.toString(), "--env-file", writeEmptyEnv().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(
                "coffer: configuration error: s3.bucket_name: unknown key in coffer.toml (see the configuration reference in README.md)");
    }

    @Test
    void serve_badPortFlag_exit2NamingTheKeyAndCommandLine() throws Exception {
        CliRun run = run("serve", "--port", "99999", "--env-file", writeEmptyEnv().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(
                "coffer: configuration error: server.port (from command line): 99999 is out of range 0..65535");
    }

    @Test
    void serve_clockLeewayOutOfRange_exit2NamingTheKey() throws Exception {
        Path toml = dir.resolve("coffer.toml");
        Files.writeString(toml, "[auth]\nclock_leeway = \"10m\"\n");

        CliRun run = run("serve", "--config", toml.toString(), "--env-file", writeEmptyEnv().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(
                "coffer: configuration error: auth.clock_leeway (from coffer.toml): 10m is out of range PT0S..PT5M");
    }

    @Test
    void serve_missingConfigFile_exit2() {
        CliRun run = run("serve", "--config", dir.resolve("absent.toml").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--config: file not found");
    }

    @Test
    void serve_malformedEnvFile_exit2NamingTheLine() throws Exception {
        Path env = dir.resolve("bad.env");
        Files.writeString(env, "OK=1\n=novalue\n");

        CliRun run = run("serve", "--env-file", env.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("coffer: configuration error: bad.env line 2: expected NAME=value");
    }

    @Test
    void serve_portAlreadyInUse_exit1WithOneLineCauseAndFix() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun run = run("serve", "--port", Integer.toString(taken.getLocalPort()), "--data-dir",
                    dir.resolve("data").toString(), "--env-file", writeEmptyEnv().toString());

            assertThat(run.exitCode()).isEqualTo(1);
            // Log lines go to stderr too; the operator's one line is the last.
            assertThat(run.err().strip().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("coffer: cannot start: startup_failed: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": the address is already in use. Fix: stop the other process on that port, "
                    + "or choose another with --port or PORT");
        }
    }

    @Test
    void keysNew_printsKeyAndItsSha256() throws Exception {
        CliRun run = run("keys", "new");

        assertThat(run.exitCode()).isZero();
        var key = java.util.regex.Pattern.compile("key:  (ck_\\S+)").matcher(run.out());
        var hash = java.util.regex.Pattern.compile("hash: ([0-9a-f]{64})").matcher(run.out());
        assertThat(key.find()).isTrue();
        assertThat(hash.find()).isTrue();
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.group(1).getBytes(StandardCharsets.UTF_8));
        assertThat(java.util.HexFormat.of().formatHex(digest)).isEqualTo(hash.group(1));
    }

    @Test
    void version_printsVersion() {
        CliRun run = run("version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("coffer ");
    }

    @Test
    void help_listsServe() {
        CliRun run = run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("serve").contains("version");
    }

    private Path writeEmptyEnv() throws Exception {
        Path env = dir.resolve("empty.env");
        Files.writeString(env, "");
        return env;
    }
}
