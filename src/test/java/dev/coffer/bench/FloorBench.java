package dev.coffer.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The floor under the embedded default's start-up and idle memory: how long a JVM with Coffer's
 * options and a trained class-data cache takes to start DynamoDB Local and S3Proxy alone
 * ({@link EmbeddedServersAlone}, no Coffer), and what it then holds resident, measured in the same
 * rounds as {@code ./coffer serve} itself (order alternating) and a bare JVM ({@code -version} with
 * the same options). Coffer's first 200 needs both servers up, so no change inside Coffer can bring
 * it under the servers' own start.
 */
final class FloorBench {
    private static final long IDLE_AFTER_MILLIS = 3000;

    record Sample(String what, int round, long readyMillis, long idleRssKiB) {
    }

    static List<Sample> run(Path repo, int rounds) throws Exception {
        Path target = repo.resolve("target");
        Path jar = target.resolve("bench-floor.jar");
        writeJar(jar, target.resolve("test-classes"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> options = launcherOptions(repo);
        // JDK 25's one-step cache (JEP 514): the training run starts the servers, idles briefly and exits.
        Path cache = target.resolve("bench-floor.aot");
        Path scratch = Files.createTempDirectory("coffer-bench-floor");
        var train = new ArrayList<>(List.of(java.toString()));
        train.addAll(options);
        train.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot=warning", "-jar", jar.toString(),
                scratch.resolve("train").toString(), "3000"));
        Files.deleteIfExists(cache);
        Process trainer = new ProcessBuilder(train).redirectErrorStream(true).redirectOutput(scratch.resolve("train.log").toFile()).start();
        if (!trainer.waitFor(180, TimeUnit.SECONDS) || trainer.exitValue() != 0 || !Files.exists(cache)) {
            throw new IllegalStateException("training the floor's class-data cache failed: " + scratch.resolve("train.log"));
        }
        var samples = new ArrayList<Sample>();
        for (int round = 1; round <= rounds; round++) {
            Path dir = scratch.resolve("round-" + round);
            if (round % 2 == 1) {
                samples.add(servers(java, options, cache, jar, dir.resolve("floor"), round));
                samples.add(coffer(repo, dir.resolve("coffer"), round));
            } else {
                samples.add(coffer(repo, dir.resolve("coffer"), round));
                samples.add(servers(java, options, cache, jar, dir.resolve("floor"), round));
            }
            samples.add(bareJvm(java, options, round));
        }
        return samples;
    }

    private static Sample servers(Path java, List<String> options, Path cache, Path jar, Path data, int round) throws Exception {
        var command = new ArrayList<>(List.of(java.toString()));
        command.addAll(options);
        command.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off", "-jar", jar.toString(), data.toString()));
        var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        long start = System.nanoTime();
        Process process = builder.start();
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ready")) {
                // DynamoDB Local prints its banner first
            }
            if (line == null) {
                throw new IllegalStateException("the embedded servers exited with " + process.waitFor());
            }
            long ready = (System.nanoTime() - start) / 1_000_000;
            return new Sample("DynamoDB Local + S3Proxy alone", round, ready, idleRss(process));
        } finally {
            stop(process);
        }
    }

    private static Sample coffer(Path repo, Path dir, int round) throws Exception {
        PeersBench.Launched coffer = PeersBench.launchCoffer(repo, dir, java.util.Map.of());
        try {
            long ready = PeersBench.waitFor200(coffer.process(), coffer.base().resolve("/health/ready"), coffer.startNanos());
            return new Sample("coffer serve", round, ready, idleRss(coffer.process()));
        } finally {
            stop(coffer.process());
        }
    }

    private static Sample bareJvm(Path java, List<String> options, int round) throws Exception {
        var command = new ArrayList<>(List.of(java.toString()));
        command.addAll(options);
        command.add("-version");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
        return new Sample("JVM alone (-version)", round, (System.nanoTime() - start) / 1_000_000, 0);
    }

    private static long idleRss(Process process) throws InterruptedException {
        Thread.sleep(IDLE_AFTER_MILLIS);
        try (var probe = new ProcessProbe(process.pid())) {
            return probe.rssKiB();
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The launcher's JVM options for this JDK, read from scripts/jdk.sh so the floor runs as serve does. */
    private static List<String> launcherOptions(Path repo) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", ". scripts/jdk.sh && coffer_jvm_options \"$1\" && printf '%s\\n' \"${coffer_jvm_opts[@]}\"",
                "bash", Integer.toString(Runtime.version().feature())).directory(repo.toFile()).start();
        var options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        options.addAll(new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList());
        if (bash.waitFor() != 0) {
            throw new IllegalStateException("scripts/jdk.sh gave no JVM options");
        }
        return options;
    }

    /** A jar of the one main class whose manifest puts coffer.jar (and so its lib/) on the class path, as the cache needs jars. */
    private static void writeJar(Path jar, Path testClasses) throws Exception {
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, EmbeddedServersAlone.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "coffer.jar");
        String entry = EmbeddedServersAlone.class.getName().replace('.', '/') + ".class";
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(testClasses.resolve(entry)));
            out.closeEntry();
        }
    }
}
