package dev.coffer.bench;

import dev.coffer.testing.TestCoffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
            String[] ready = readyLine(child).split(" ");
            long idle = idleRss(child);
            PeersBench.Server coffer = PeersBench.startCoffer(repo, dir.resolve("coffer"), remoteOn(ready));
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

    /**
     * One start under the peers operations, Coffer or the same libraries alone ({@link StackAlone}):
     * launch to first 200, RSS 2 s later, profile reads at 16 clients in 1 s slices right after
     * that, each operation at 64 clients (peak RSS, rates), then profile reads at 16 clients again
     * (steady: the first ten seconds are measured against it).
     */
    record Start(String what, int round, long firstOkMillis, long idleKiB, long peakKiB, List<Long> firstSeconds, double steady,
                 Map<String, Double> rates, String load) {
        double firstTenMean() {
            return firstSeconds.stream().mapToLong(Long::longValue).average().orElse(0);
        }
    }

    /**
     * Coffer against the same libraries with nothing of Coffer ({@link StackAlone}), in {@code mode}
     * ("embedded": each with its own DynamoDB Local and S3Proxy in its JVM; "remote": both against
     * the embedded servers alone in a third JVM), each with its own trained class-data cache and the
     * launcher's options (and {@code COFFER_JAVA_OPTS} from this JVM's environment, for both), alternating
     * which starts first: what the stack alone holds and how fast it warms is the floor under Coffer's.
     */
    static List<Start> stack(Path repo, String mode, int rounds, Duration slice) throws Exception {
        boolean remote = switch (mode) {
            case "embedded" -> false;
            case "remote" -> true;
            default -> throw new IllegalArgumentException("stack mode must be embedded or remote, not " + mode);
        };
        Servers servers = remote ? Servers.prepare(repo) : null;
        StackJvm stack = StackJvm.prepare(repo, remote, servers);
        var starts = new ArrayList<Start>();
        for (int round = 1; round <= rounds; round++) {
            Path dir = stack.scratch().resolve("round-" + round);
            Process backends = remote ? servers.start(dir.resolve("servers")) : null;
            try {
                String[] endpoints = remote ? readyLine(backends).split(" ") : null;
                for (boolean cofferFirst : round % 2 == 1 ? List.of(false, true) : List.of(true, false)) {
                    String load = ProcessProbe.loadAverage();
                    PeersBench.Server server = cofferFirst
                            ? cofferStart(repo, dir.resolve("coffer"), endpoints)
                            : stack.start(dir.resolve("stack"), endpoints);
                    try {
                        server.probe().resetPeak();
                        Map<String, Double> rates = PeersBench.eachOperation(server, slice);
                        long peak = server.probe().peakRssKiB();
                        double steady = 0;
                        for (int i = 0; i < 3; i++) {
                            steady += WrkRunner.run("steady", server.base(), 2, 16, slice, 5_000_000,
                                    server.operations().get("profile")).perSecond() / 3;
                        }
                        starts.add(new Start(server.name(), round, server.firstOkMillis(), server.idleRssKiB(), peak,
                                server.firstSeconds(), steady, rates, load + " -> " + ProcessProbe.loadAverage()));
                    } finally {
                        PeersBench.stop(server);
                    }
                }
            } finally {
                if (backends != null) {
                    stop(backends);
                }
            }
        }
        return starts;
    }

    /** Coffer through its launcher, embedded or (with {@code endpoints}) in remote mode on the servers alone. */
    private static PeersBench.Server cofferStart(Path repo, Path dir, String[] endpoints) throws Exception {
        if (endpoints == null) {
            return PeersBench.startCoffer(repo, dir, Map.of(), true);
        }
        return PeersBench.startCoffer(repo, dir, remoteOn(endpoints), true);
    }

    /** A remote-mode Coffer's environment on the servers alone, from their "ready DYNAMODB S3" line's words. */
    private static Map<String, String> remoteOn(String[] ready) {
        var env = TestCoffer.remoteEnv(URI.create(ready[1]), URI.create(ready[2]));
        env.remove("COFFER_EVENTS_MAX_STREAMS");   // the embedded default reads its streams too
        env.put("COFFER_HOST", "127.0.0.1");
        return env;
    }

    /** The {@link StackAlone} JVM: its jar, the launcher's options and a cache trained on the peers operations. */
    private record StackJvm(Path java, List<String> options, Path cache, Path jar, Path scratch, boolean remote) {
        private static final int TRAINING_REQUESTS = 400;

        static StackJvm prepare(Path repo, boolean remote, Servers servers) throws Exception {
            Path target = repo.resolve("target");
            Path jar = target.resolve("bench-stack.jar");
            writeJar(jar, target.resolve("test-classes"), StackAlone.class);
            Path cache = target.resolve(remote ? "bench-stack-remote.aot" : "bench-stack-embedded.aot");
            Path scratch = Files.createTempDirectory("coffer-bench-stack");
            var stack = new StackJvm(Path.of(System.getProperty("java.home"), "bin", "java"), launcherOptions(repo), cache, jar,
                    scratch, remote);
            Files.deleteIfExists(cache);
            // As scripts/train-cache does for Coffer: serve each operation a few hundred times, then exit normally.
            Process backends = remote ? servers.start(scratch.resolve("train-servers")) : null;
            try {
                String[] endpoints = remote ? readyLine(backends).split(" ") : null;
                Process trainer = stack.launch(scratch.resolve("train"), endpoints, List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot=warning"));
                try {
                    URI base = stack.ready(trainer);
                    stack.seeded(trainer);
                    for (Map.Entry<String, WrkRunner.Request> op : operations().entrySet()) {
                        var served = WrkRunner.run(op.getKey(), base, 1, 2, Duration.ofSeconds(30), TRAINING_REQUESTS, op.getValue());
                        if (served.errors() > 0) {   // a cache of error paths would measure nothing
                            throw new IllegalStateException(op.getKey() + " failed in the stack's training: " + scratch.resolve("train"));
                        }
                    }
                    HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/exit"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                    if (!trainer.waitFor(120, TimeUnit.SECONDS) || trainer.exitValue() != 0 || !Files.exists(cache)) {
                        throw new IllegalStateException("training the stack's class-data cache failed: " + scratch.resolve("train"));
                    }
                } finally {
                    trainer.destroyForcibly();
                }
            } finally {
                if (backends != null) {
                    stop(backends);
                }
            }
            return stack;
        }

        PeersBench.Server start(Path dir, String[] endpoints) throws Exception {
            long start = System.nanoTime();
            // COFFER_JAVA_OPTS after the cache, as the launcher adds it: both sides run under the same extra options.
            var runtime = new ArrayList<>(List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off"));
            String extra = System.getenv().getOrDefault("COFFER_JAVA_OPTS", "").trim();
            if (!extra.isEmpty()) {
                runtime.addAll(List.of(extra.split("\\s+")));
            }
            Process process = launch(dir, endpoints, runtime);
            try {
                URI base = ready(process);
                long firstOk = PeersBench.waitFor200(process, base.resolve("/health"), start);
                seeded(process);
                var probe = new ProcessProbe(process.pid());
                Thread.sleep(2000);
                long idle = probe.rssKiB();
                var ops = operations();
                List<Long> first = PeersBench.firstSeconds(base, ops.get("profile"), 10);
                return new PeersBench.Server("the stack alone", process, probe, base, firstOk, idle, ops, first);
            } catch (Exception | Error e) {
                process.destroyForcibly();
                throw e;
            }
        }

        private Process launch(Path dir, String[] endpoints, List<String> cacheOptions) throws IOException {
            Files.createDirectories(dir);
            var command = new ArrayList<>(List.of(java.toString()));
            command.addAll(options);
            command.addAll(cacheOptions);
            command.addAll(List.of("-jar", jar.toString()));
            String port = Integer.toString(PeersBench.freePort());
            command.addAll(remote ? List.of("remote", endpoints[1], endpoints[2], port)
                    : List.of("embedded", dir.resolve("data").toString(), port));
            var builder = new ProcessBuilder(command).redirectError(dir.resolve("stderr.log").toFile());
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            return builder.start();
        }

        /** The base URL from the child's "ready URL" line. */
        private URI ready(Process process) throws Exception {
            return URI.create(readyLine(process).substring("ready ".length()));
        }

        /** Waits for the child's "seeded" line. */
        private void seeded(Process process) throws Exception {
            if (!lines(process).readLine().equals("seeded")) {
                throw new IllegalStateException("the stack alone did not seed");
            }
        }

        /** The peers operations against {@link StackAlone}'s paths. */
        static Map<String, WrkRunner.Request> operations() {
            var ops = new LinkedHashMap<String, WrkRunner.Request>();
            ops.put("profile", new WrkRunner.Request("GET", "\"/profile\"", Map.of(), null));
            ops.put("get item", new WrkRunner.Request("GET", "string.format(\"/items/seed-%03d\", math.random(0, 39))", Map.of(), null));
            ops.put("list 20 items", new WrkRunner.Request("GET", "\"/items\"", Map.of(), null));
            ops.put("download 1 KB", new WrkRunner.Request("GET", "\"/files/1kb\"", Map.of(), null));
            ops.put("download 1 MB", new WrkRunner.Request("GET", "\"/files/1mb\"", Map.of(), null));
            ops.put("create item", new WrkRunner.Request("POST", "\"/items\"", Map.of("Content-Type", "application/json"), "'{\"n\":1}'"));
            return ops;
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
            writeJar(jar, target.resolve("test-classes"), EmbeddedServersAlone.class);
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

    }

    /** One reader per child: a second would miss what the first buffered. */
    private static final Map<Process, BufferedReader> READERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static BufferedReader lines(Process process) {
        return READERS.computeIfAbsent(process, p -> new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
    }

    /**
     * A child's first line starting with "ready" ({@link EmbeddedServersAlone}'s "ready DYNAMODB S3",
     * {@link StackAlone}'s "ready URL"; DynamoDB Local prints its banner first).
     */
    private static String readyLine(Process process) throws Exception {
        var out = lines(process);
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ready")) {
            // the banner
        }
        if (line == null) {
            throw new IllegalStateException("the child JVM exited with " + process.waitFor() + " before its ready line");
        }
        return line;
    }

    private static Sample servers(Servers servers, Path data, int round) throws Exception {
        long start = System.nanoTime();
        Process process = servers.start(data);
        try {
            readyLine(process);
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

    /** A jar of {@code main} (and its nested classes) whose manifest puts coffer.jar (and so its lib/) on the class path, as the cache needs jars. */
    private static void writeJar(Path jar, Path testClasses, Class<?> main) throws Exception {
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "coffer.jar");
        Path folder = testClasses.resolve(main.getPackageName().replace('.', '/'));
        List<Path> classes;
        try (var files = Files.list(folder)) {
            classes = files.filter(f -> {
                String name = f.getFileName().toString();
                return name.equals(main.getSimpleName() + ".class") || name.startsWith(main.getSimpleName() + "$");
            }).sorted().toList();
        }
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (Path file : classes) {
                out.putNextEntry(new JarEntry(testClasses.relativize(file).toString()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
    }
}
