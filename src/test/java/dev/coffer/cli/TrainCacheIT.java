package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/train-cache --remote on the packaged jar, as the Docker image's build runs it: the cache
 * it writes is one the JVM opens, and it holds Coffer's classes and none of the embedded servers';
 * a training whose start fails leaves no cache behind.
 */
class TrainCacheIT {
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path JAR = REPO.resolve("target/coffer.jar");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    @Test
    void remoteTraining_writesACacheOfCoffersClassesWithoutTheEmbeddedServers() throws Exception {
        // JDK 21-24 make an AppCDS archive instead, which -XX:AOTCache does not open.
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 25, "an AOT cache needs JDK 25");
        Path cache = dir.resolve("remote.aot");

        Result training = bash("scripts/train-cache --remote \"$JAVA\" \"$JAR\" \"$CACHE\" \"${opts[@]}\"", cache);

        assertThat(training.exit()).as(training.output()).isZero();
        assertThat(Files.size(cache)).isGreaterThan(10L << 20);
        Result printed = bash("exec \"$JAVA\" \"${opts[@]}\" -XX:AOTCache=\"$CACHE\" -XX:+PrintSharedArchiveAndExit -jar \"$JAR\" version", cache);
        assertThat(printed.exit()).as(printed.output()).isZero();
        List<String> listing = printed.output().lines().toList();
        assertThat(listing).anyMatch(l -> l.contains(" dev.coffer.cli.ServeCommand "))
                .anyMatch(l -> l.contains(" software.amazon.awssdk.services.dynamodb.DynamoDbClient "))
                .noneMatch(l -> l.contains("software.amazon.dynamodb.services.local."))
                .noneMatch(l -> l.contains("org.gaul.s3proxy."));
    }

    @Test
    void trainingWhoseStartFails_exits1AndLeavesNoCache() throws Exception {
        Path cache = dir.resolve("failed.aot");

        // A heap too small to start in: the training backends die at once.
        Result training = bash("scripts/train-cache --remote \"$JAVA\" \"$JAR\" \"$CACHE\" \"${opts[@]}\" -Xmx2m", cache);

        assertThat(training.exit()).isEqualTo(1);
        assertThat(training.output()).contains("cache not made");
        assertThat(cache).doesNotExist();
    }

    private record Result(int exit, String output) {
    }

    /** Runs {@code script} with the launcher's JVM options in {@code opts} (scripts/jdk.sh) and a short training. */
    private static Result bash(String script, Path cache) throws Exception {
        var builder = new ProcessBuilder("bash", "-c", "set -euo pipefail; . scripts/jdk.sh; coffer_jvm_options \"$MAJOR\"; "
                + "opts=(--enable-native-access=ALL-UNNAMED \"${coffer_jvm_opts[@]}\"); " + script)
                .directory(REPO.toFile()).redirectErrorStream(true);
        builder.environment().putAll(java.util.Map.of("JAVA", JAVA, "JAR", JAR.toString(), "CACHE", cache.toString(),
                "MAJOR", Integer.toString(Runtime.version().feature()), "COFFER_TRAIN_ROUNDS", "3"));
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
