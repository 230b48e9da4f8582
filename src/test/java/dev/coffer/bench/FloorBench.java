package dev.coffer.bench;

import dev.coffer.testing.TestCoffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * The peak under load, split: the embedded servers alone in their JVM (as above) serving a
     * remote-mode Coffer in another, which the peers operations drive at 64 connections, against
     * the embedded default serving the same operations, in interleaved rounds. The servers' own peak
     * is the floor under the embedded default's peak. (In the split the servers answer DynamoDB
     * calls over HTTP, which the embedded default makes in-process: their HTTP threads and buffers
     * are in the split's figure and not in the embedded default's.)
     */
    record UnderLoad(int round, long serversIdleKiB, long serversPeakKiB, long cofferRemotePeakKiB, long embeddedPeakKiB,
                     Map<String, Double> splitRates, Map<String, Double> embeddedRates, String load) {
    }

    static List<UnderLoad> underLoad(Path repo, int rounds, Duration slice) throws Exception {
        Servers servers = Servers.prepare(repo);
        var results = new ArrayList<UnderLoad>();
        for (int round = 1; round <= rounds; round++) {
            Path dir = servers.scratch().resolve("load-" + round);
            String load = ProcessProbe.loadAverage();
            Split split;
            Served embedded;
            if (round % 2 == 1) {
                split = split(repo, servers, dir, slice);
                embedded = embedded(repo, dir, slice);
            } else {
                embedded = embedded(repo, dir, slice);
                split = split(repo, servers, dir, slice);
            }
            results.add(new UnderLoad(round, split.serversIdleKiB(), split.serversPeakKiB(), split.coffer().peakKiB(),
                    embedded.peakKiB(), split.coffer().rates(), embedded.rates(), load + " -> " + ProcessProbe.loadAverage()));
        }
        return results;
    }

    /** One Coffer under the operations: its peak RSS and the rates it served. */
    private record Served(long peakKiB, Map<String, Double> rates) {
    }

    /** The servers alone (idle, then peak) and the remote-mode Coffer on them. */
    private record Split(long serversIdleKiB, long serversPeakKiB, Served coffer) {
    }

    private static Served embedded(Path repo, Path dir, Duration slice) throws Exception {
        PeersBench.Server coffer = PeersBench.startCoffer(repo, dir.resolve("embedded"), Map.of());
        try {
            coffer.probe().resetPeak();
            Map<String, Double> rates = PeersBench.eachOperation(coffer, slice);
            return new Served(coffer.probe().peakRssKiB(), rates);
        } finally {
            PeersBench.stop(coffer);
        }
    }

    /** The servers alone, and a remote-mode Coffer on them under the operations. */
    private static Split split(Path repo, Servers servers, Path dir, Duration slice) throws Exception {
        Process child = servers.start(dir.resolve("servers"));
        try (var probe = new ProcessProbe(child.pid())) {
            String[] ready = servers.readyLine(child).split(" ");
            long idle = idleRss(child);
            var env = TestCoffer.remoteEnv(URI.create(ready[1]), URI.create(ready[2]));
            env.remove("COFFER_EVENTS_MAX_STREAMS");   // the embedded default reads its streams too
            env.put("COFFER_HOST", "127.0.0.1");
            PeersBench.Server coffer = PeersBench.startCoffer(repo, dir.resolve("coffer"), env);
            try {
                probe.resetPeak();
                coffer.probe().resetPeak();
                Map<String, Double> rates = PeersBench.eachOperation(coffer, slice);
                return new Split(idle, probe.peakRssKiB(), new Served(coffer.probe().peakRssKiB(), rates));
            } finally {
                PeersBench.stop(coffer);
            }
        } finally {
            stop(child);
        }
    }

    static List<Sample> run(Path repo, int rounds) throws Exception {
        Servers servers = Servers.prepare(repo);
        var samples = new ArrayList<Sample>();
        for (int round = 1; round <= rounds; round++) {
            Path dir = servers.scratch().resolve("round-" + round);
            if (round % 2 == 1) {
                samples.add(servers(servers, dir.resolve("floor"), round));
                samples.add(coffer(repo, dir.resolve("coffer"), round));
            } else {
                samples.add(coffer(repo, dir.resolve("coffer"), round));
                samples.add(servers(servers, dir.resolve("floor"), round));
            }
            samples.add(bareJvm(servers.java(), servers.options(), round));
        }
        return samples;
    }

    /** The servers-alone JVM: its jar, the launcher's options and its own trained class-data cache. */
    private record Servers(Path java, List<String> options, Path cache, Path jar, Path scratch) {
        static Servers prepare(Path repo) throws Exception {
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
            return new Servers(java, options, cache, jar, scratch);
        }

        Process start(Path data) throws IOException {
            var command = new ArrayList<>(List.of(java.toString()));
            command.addAll(options);
            command.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off", "-jar", jar.toString(), data.toString()));
            var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            return builder.start();
        }

        /** The child's "ready DYNAMODB S3" line (DynamoDB Local prints its banner first). */
        String readyLine(Process process) throws Exception {
            var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ready")) {
                // the banner
            }
            if (line == null) {
                throw new IllegalStateException("the embedded servers exited with " + process.waitFor());
            }
            return line;
        }
    }

    private static Sample servers(Servers servers, Path data, int round) throws Exception {
        long start = System.nanoTime();
        Process process = servers.start(data);
        try {
            servers.readyLine(process);
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
