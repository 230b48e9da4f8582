package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.DeploymentMode;
import dev.coffer.local.DataFolderLock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line: exit codes and the one-line messages an operator sees. */
class CliTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void classDataCacheHint_onlyWhenTheCacheWasTrainedForTheOtherMode() {
        assertThat(ServeCommand.classDataCacheHint(DeploymentMode.REMOTE, "embedded")).get().asString().contains("COFFER_AOT=remote");
        assertThat(ServeCommand.classDataCacheHint(DeploymentMode.LOCAL, "remote")).get().asString().contains("COFFER_AOT=on");
        assertThat(ServeCommand.classDataCacheHint(DeploymentMode.REMOTE, "remote")).isEmpty();
        assertThat(ServeCommand.classDataCacheHint(DeploymentMode.LOCAL, "embedded")).isEmpty();
        assertThat(ServeCommand.classDataCacheHint(DeploymentMode.REMOTE, null)).isEmpty();   // no cache, or not started by the launcher
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
    void serve_dataFolderHeldByAnotherCoffer_exit1WithOneLineCauseAndFix() throws Exception {
        Path data = dir.resolve("data");
        var claimed = (DataFolderLock.Claimed) DataFolderLock.claim(data);
        try (var lock = claimed.lock()) {
            lock.publish(URI.create("http://127.0.0.1:4566"), URI.create("http://127.0.0.1:4567"));
            CliRun run = run("serve", "--port", "0", "--data-dir", data.toString(), "--env-file", writeEmptyEnv().toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("coffer: cannot start: startup_failed: "
                    + "the data folder " + data.toRealPath() + " is in use by another Coffer (pid " + ProcessHandle.current().pid()
                    + "). Fix: stop that process first, or give this one its own folder with local.data_dir or COFFER_DATA_DIR");
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

    @ParameterizedTest(name = "coffer {0}")
    @org.junit.jupiter.params.provider.CsvSource({"keys, new", "admin, create"})
    void commandGroupAlone_printsItsUsageListingItsSubcommands(String group, String subcommand) {
        CliRun run = run(group);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: coffer " + group).contains("Commands:").contains("  " + subcommand + " ");
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

    /** Every command in the tree, walked from {@link Main}, so a command added later is covered by itself. */
    static Stream<List<String>> everyCommand() {
        var paths = new ArrayList<List<String>>();
        walk(Main.commandLine(), List.of(), paths);
        return paths.stream();
    }

    private static void walk(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            var subPath = new ArrayList<>(path);
            subPath.add(name);
            walk(sub, List.copyOf(subPath), into);
        });
    }

    @ParameterizedTest(name = "coffer {0} --help")
    @MethodSource("everyCommand")
    void help_everyCommand_exit0WithDescriptionEveryOptionAndExamples(List<String> path) {
        CommandLine command = Main.commandLine();
        for (String name : path) {
            command = command.getSubcommands().get(name);
        }
        var args = new ArrayList<>(path);
        args.add("--help");

        CliRun run = run(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: " + String.join(" ", Stream.concat(Stream.of("coffer"), path.stream()).toList()))
                .contains("Examples:%n  coffer".formatted());
        assertThat(command.getCommandSpec().usageMessage().description()).as("description").isNotEmpty();
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!option.hidden()) {
                assertThat(run.out()).as(option.longestName()).contains(option.longestName());
                assertThat(option.description()).as(option.longestName() + " description").isNotEmpty();
            }
        }
    }

    @ParameterizedTest(name = "coffer help {0}")
    @ValueSource(strings = {"serve", "init", "doctor", "policy", "whoami", "keys", "version"})
    void helpCommand_printsTheSameAsTheCommandsHelpFlag(String command) {
        CliRun viaHelp = run("help", command);
        CliRun viaFlag = run(command, "--help");

        assertThat(viaHelp.exitCode()).isZero();
        assertThat(viaHelp.out()).isEqualTo(viaFlag.out()).contains("Examples:");
    }

    @Test
    void serve_misspeltOption_exit2WithOneLineNamingTheClosest() {
        CliRun run = run("serve", "--prot", "9000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("coffer serve: unknown option '--prot'; did you mean --port? See 'coffer serve --help'.\n");
    }

    @Test
    void unknownOption_nothingClose_namesItWithoutAGuess() {
        CliRun run = run("doctor", "--verbose");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("coffer doctor: unknown option '--verbose'. See 'coffer doctor --help'.\n");
    }

    @Test
    void unknownOption_hiddenOptionsAreNotSuggested() {
        CliRun run = run("serve", "--exit-when-redy");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("coffer serve: unknown option '--exit-when-redy'. See 'coffer serve --help'.\n");
    }

    @Test
    void misspeltCommand_exit2NamingTheClosest() {
        assertThat(run("serv").err()).isEqualTo("coffer: unknown command 'serv'; did you mean serve? See 'coffer --help'.\n");
        CliRun nested = run("keys", "neww");

        assertThat(nested.exitCode()).isEqualTo(2);
        assertThat(nested.err()).isEqualTo("coffer keys: unknown command 'neww'; did you mean new? See 'coffer keys --help'.\n");
    }

    @Test
    void badOptionValue_exit2OneLine() {
        CliRun run = run("policy", "--for", "runtme");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("coffer policy: invalid value for option '--for': expected one of [runtime, provision] "
                + "(case-insensitive) but was 'runtme'. See 'coffer policy --help'.\n");
    }

    @Test
    void serve_unusedVariableInDotEnv_loggedOnceAsWarningNamingTheClosest_startsAnyway() throws Exception {
        Path env = dir.resolve("app.env");
        Files.writeString(env, "COFFER_SEVER_PORT=9000\nDYNAMODB_USERS_TABLE=app-users\n");

        CliRun run = run("serve", "--exit-when-ready", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--env-file", env.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String warning = "WARN  config - environment variable COFFER_SEVER_PORT (from .env) is not used by Coffer; "
                + "did you mean COFFER_SERVER_PORT?";
        assertThat(run.err().lines().filter(line -> line.endsWith(warning)).count()).as(run.err()).isEqualTo(1);
        // DYNAMODB_USERS_TABLE is read: no warning, and provisioning created that table.
        assertThat(run.err()).doesNotContain("DYNAMODB_USERS_TABLE").contains("app-users");
    }

    @Test
    void policy_unusedVariable_warningOnStderr_jsonStaysClean() throws Exception {
        Path env = dir.resolve("app.env");
        Files.writeString(env, "AWS_S3_BUKCET=app-files\n");

        CliRun run = run("policy", "--env-file", env.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("coffer: warning: environment variable AWS_S3_BUKCET (from .env) is not used by Coffer; "
                + "did you mean AWS_S3_BUCKET?\n");
        assertThat(dev.coffer.support.Json.mapper().readTree(run.out()).path("Version").asText()).isEqualTo("2012-10-17");
    }

    private Path writeEmptyEnv() throws Exception {
        Path env = dir.resolve("empty.env");
        Files.writeString(env, "");
        return env;
    }
}
