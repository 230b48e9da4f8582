package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/jdk.sh, which ./coffer, ./run-tests and the train/bench scripts source: which JDK is taken,
 * which JVM options it gets, and that the launcher's path through it starts no process (each one
 * cost 5-12 ms on a busy 2-core machine, 0.3 s in all before the JVM started).
 */
class JdkScriptTest {

    private static final Path SCRIPT = Path.of("scripts/jdk.sh").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void majorVersion_comesFromTheReleaseFile_withoutStartingTheJvm() throws Exception {
        Path java = fakeJdk("jdk-25", "JAVA_VERSION=\"25.0.3\"\nIMPLEMENTOR=\"Eclipse Adoptium\"");

        // The fake java fails when run: the answer must come from the release file.
        assertThat(bash(". \"$SCRIPT\"; coffer_read_major \"$JAVA\"; echo \"$coffer_major\"", Map.of("JAVA", java.toString())))
                .isEqualTo(new Result(0, "25\n"));
    }

    @Test
    void majorVersion_ofAReleaseFileWithoutFinalNewline_isRead() throws Exception {
        Path java = fakeJdk("jdk-21", "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"21\"");

        assertThat(bash(". \"$SCRIPT\"; coffer_read_major \"$JAVA\"; echo \"$coffer_major\"", Map.of("JAVA", java.toString())).output()).isEqualTo("21\n");
    }

    @Test
    void majorVersion_ofAnOldStyleVersion_asksTheJvm() throws Exception {
        Path java = fakeJdk("jdk-8", "JAVA_VERSION=\"1.8.0_392\"");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 1.8' >&2\n");

        assertThat(bash(". \"$SCRIPT\"; coffer_read_major \"$JAVA\"; echo \"$coffer_major\"", Map.of("JAVA", java.toString())).output()).isEqualTo("1\n");
    }

    @Test
    void aJavaThatDoesNotRun_hasNoVersion_andDoesNotStopACallerUnderSetE() throws Exception {
        Path java = fakeJdk("jdk-broken", "JAVA_VERSION=\"1.8.0_392\"");
        Files.writeString(java, "#!/bin/sh\nexit 1\n");

        Result run = bash("set -euo pipefail; . \"$SCRIPT\"; coffer_read_major \"$JAVA\"; echo \"[$coffer_major] carried on\"", Map.of("JAVA", java.toString()));

        assertThat(run).isEqualTo(new Result(0, "[] carried on\n"));
    }

    @Test
    void javaHomeOfJdk21_isTaken_andNothingElseIsLookedAt() throws Exception {
        Path home = fakeJdk("jdk-21", "JAVA_VERSION=\"21.0.5\"").getParent().getParent();

        // PATH leads nowhere: a helper process (dirname, sed, readlink...) would fail the lookup.
        Result found = bash(". \"$SCRIPT\"; PATH=/nonexistent; coffer_find_jdk && echo \"$JAVA_HOME|${MAVEN_OPTS:-}|$coffer_major\"",
                Map.of("JAVA_HOME", home.toString()));

        assertThat(found).isEqualTo(new Result(0, home + "||21\n"));
    }

    @Test
    void javaHomeOfJdk25_addsMavensUnsafeFlag_once() throws Exception {
        Path home = fakeJdk("jdk-25", "JAVA_VERSION=\"25\"").getParent().getParent();

        Result found = bash(". \"$SCRIPT\"; coffer_find_jdk; coffer_find_jdk; echo \"$MAVEN_OPTS\"", Map.of("JAVA_HOME", home.toString()));

        assertThat(found.output().strip()).isEqualTo("--sun-misc-unsafe-memory-access=allow");
    }

    @Test
    void javaHomeTooOld_isPassedOver_forAJdk21OrNewer() throws Exception {
        Path home = fakeJdk("jdk-17", "JAVA_VERSION=\"17.0.9\"").getParent().getParent();

        Result found = bash(". \"$SCRIPT\"; coffer_find_jdk && echo \"$coffer_major\" && coffer_read_major \"$JAVA_HOME/bin/java\" && echo \"$coffer_major\" && echo \"$JAVA_HOME\"",
                Map.of("JAVA_HOME", home.toString()));

        // This machine runs the tests on a JDK >= 21, so one is found: not the JAVA_HOME given.
        assertThat(found.exitCode()).as(found.output()).isZero();
        String[] lines = found.output().strip().split("\n");
        assertThat(Integer.parseInt(lines[0])).isGreaterThanOrEqualTo(21);
        assertThat(lines[1]).as("the version coffer_find_jdk leaves is the found JDK's").isEqualTo(lines[0]);
        assertThat(lines[2]).isNotEqualTo(home.toString());
    }

    @Test
    void jvmOptions_dependOnTheJdk_andNeedNoProcess() throws Exception {
        String list = ". \"$SCRIPT\"; PATH=/nonexistent; coffer_jvm_options %d; printf '%%s\\n' \"${coffer_jvm_opts[@]}\"";

        String jdk21 = bash(list.formatted(21), Map.of()).output();
        String jdk25 = bash(list.formatted(25), Map.of()).output();

        // The native-heap trim is a product flag from 22 on, compact object headers from 25 on.
        assertThat(jdk21.lines()).contains("-XX:+UseSerialGC", "-Xmx128m")
                .doesNotContain("-XX:TrimNativeHeapInterval=5000", "-XX:+UseCompactObjectHeaders");
        assertThat(jdk25.lines()).contains("-XX:+UseSerialGC", "-Xmx128m", "-XX:TrimNativeHeapInterval=5000", "-XX:+UseCompactObjectHeaders");
    }

    @Test
    void deployFiles_runTheJvmWithTheLaunchersOptions() throws Exception {
        // The Docker image and the systemd unit run JDK 25 without the launcher, so they spell the options out.
        String launcher = "--enable-native-access=ALL-UNNAMED "
                + bash(". \"$SCRIPT\"; coffer_jvm_options 25; echo \"${coffer_jvm_opts[*]}\"", Map.of()).output().strip();

        assertThat(javaOpts(Path.of("deploy/Dockerfile"), "ENV JAVA_OPTS=\"")).isEqualTo(launcher);
        assertThat(javaOpts(Path.of("deploy/coffer.service"), "Environment=\"JAVA_OPTS=")).isEqualTo(launcher);
    }

    private static String javaOpts(Path file, String prefix) throws IOException {
        String line = Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no line starting with " + prefix));
        String rest = line.substring(prefix.length());
        return rest.substring(0, rest.indexOf('"'));
    }

    record Result(int exitCode, String output) {
    }

    /** A JDK folder with a release file and bin/java and bin/javac that fail when run. */
    private Path fakeJdk(String name, String release) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Files.writeString(dir.resolve(name).resolve("release"), release);
        for (String tool : List.of("java", "javac")) {
            Path file = bin.resolve(tool);
            Files.writeString(file, "#!/bin/sh\necho 'the fake " + tool + " was run' >&2\nexit 1\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin.resolve("java");
    }

    /** Runs a bash snippet with SCRIPT set and the given variables; stdout only (stderr is shown on failure). */
    private Result bash(String snippet, Map<String, String> env) throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        var builder = new ProcessBuilder("bash", "-c", snippet).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().put("SCRIPT", SCRIPT.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bash finished").isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(stderr).as("stderr").doesNotContain("was run").doesNotContain("command not found");
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
