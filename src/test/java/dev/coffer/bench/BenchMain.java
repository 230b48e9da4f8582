package dev.coffer.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs Coffer's benchmarks and prints Markdown tables for BENCHMARKS.md. Usage (via bench/run):
 * {@code BenchMain [startup|floor|floor-load|floor-stack|overhead|metrics|streaming|peers|delay|writes|remote] [--rounds N]}. Everything runs on loopback, bounded in
 * count and time. The overhead suite takes {@code -Dcoffer.bench.seconds} (per cell, default 3),
 * {@code -Dcoffer.bench.warmup.millis} (per side and cell, default 2000),
 * {@code -Dcoffer.bench.clients} (e.g. {@code 1,16}; default 1,16,64) and {@code -Dcoffer.bench.ops}
 * (parts of operation names to keep, '_' for a space since BENCH_JAVA_OPTS splits on spaces, e.g.
 * {@code get_item,download_1_KB}; default all) to profile one cell at a time,
 * and {@code -Dcoffer.bench.backends.cpus} (e.g. {@code 1}): run DynamoDB Local and S3Proxy in a child
 * JVM pinned to those CPUs instead of in the bench's own JVM, and {@code -Dcoffer.bench.generator}
 * ({@code wrk} or {@code jdk}; default wrk when installed): the client that drives Coffer's API.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // -Dcoffer.bench.log=info measures with the access log on, as `coffer serve` runs by default.
        dev.coffer.support.logging.LogSetup.configure(false, System.getProperty("coffer.bench.log", "warn"));
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.gaul.s3proxy"))
                .setLevel(ch.qos.logback.classic.Level.OFF);
        Path repo = Path.of(System.getProperty("coffer.repo", ".")).toAbsolutePath().normalize();
        int rounds = 3;
        List<String> suites = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else {
                suites.add(args[i]);
            }
        }
        if (suites.isEmpty()) {
            suites = List.of("startup");
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s, %s%n%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version(), System.getProperty("os.name"));
        for (String suite : suites) {
            switch (suite) {
                case "startup" -> {
                    System.out.println("| mode | run | ready (ms) | live heap after GC (MiB) |");
                    System.out.println("|---|---|---|---|");
                    int n = 0;
                    for (StartupBench.Sample s : StartupBench.run(repo, rounds)) {
                        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f |%n", s.mode(), ++n, s.readyMillis(),
                                s.heapKiB() / 1024.0);
                    }
                }
                case "floor-load" -> {
                    // The embedded servers alone under the load a remote-mode Coffer puts on them, against the embedded default.
                    System.out.println("load average before: " + ProcessProbe.loadAverage() + "\n");
                    System.out.println("| round | servers alone: idle / peak (MiB) | Coffer remote on them: peak | sum of peaks "
                            + "| embedded default: peak | rates split (profile, get, list, 1 KB, 1 MB, create) | rates embedded | load |");
                    System.out.println("|---|---|---|---|---|---|---|---|");
                    for (FloorBench.UnderLoad r : FloorBench.underLoad(repo, rounds, seconds("3"))) {
                        System.out.printf(Locale.ROOT, "| %d | %s / %s | %s | %s | %s | %s | %s | %s |%n", r.round(),
                                ProcessProbe.mib(r.serversIdleKiB()), ProcessProbe.mib(r.serversPeakKiB()), ProcessProbe.mib(r.cofferRemotePeakKiB()),
                                ProcessProbe.mib(r.serversPeakKiB() + r.cofferRemotePeakKiB()), ProcessProbe.mib(r.embeddedPeakKiB()),
                                rates(r.splitRates()), rates(r.embeddedRates()), r.load());
                    }
                }
                case "floor-stack" -> {
                    // Coffer against the same libraries alone (StackAlone), per mode, interleaved starts.
                    System.out.println("load average before: " + ProcessProbe.loadAverage() + "\n");
                    System.out.println("| mode | round | what | first 200 (ms) | RSS idle / peak (MiB) | first 10 s (req/s, 1 s slices) "
                            + "| first 10 s mean | steady | first 10 s / steady | rates at c64 (profile, get, list, 1 KB, 1 MB, create) | load |");
                    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
                    for (String mode : System.getProperty("coffer.bench.stack.modes", "embedded,remote").split(",")) {
                        for (FloorBench.Start s : FloorBench.stack(repo, mode.trim(), rounds, seconds("3"))) {
                            System.out.printf(Locale.ROOT, "| %s | %d | %s | %d | %s / %s | %s | %.0f | %.0f | %.2f | %s | %s |%n", mode,
                                    s.round(), s.what(), s.firstOkMillis(), ProcessProbe.mib(s.idleKiB()), ProcessProbe.mib(s.peakKiB()),
                                    s.firstSeconds(), s.firstTenMean(), s.steady(), s.firstTenMean() / s.steady(), rates(s.rates()), s.load());
                        }
                    }
                }
                case "floor" -> {
                    // Launch to ready and RSS 3 s later; the medians are what BENCHMARKS.md quotes.
                    System.out.println("load average before: " + ProcessProbe.loadAverage() + "\n");
                    System.out.println("| what | round | launch to ready (ms) | RSS 3 s after ready (MiB) |");
                    System.out.println("|---|---|---|---|");
                    List<FloorBench.Sample> samples = FloorBench.run(repo, rounds);
                    for (FloorBench.Sample s : samples) {
                        System.out.printf(Locale.ROOT, "| %s | %d | %d | %s |%n", s.what(), s.round(), s.readyMillis(),
                                s.idleRssKiB() == 0 ? "-" : ProcessProbe.mib(s.idleRssKiB()));
                    }
                    System.out.println("\n| what | median launch to ready (ms) | median RSS (MiB) |\n|---|---|---|");
                    samples.stream().map(FloorBench.Sample::what).distinct().forEach(what -> {
                        List<FloorBench.Sample> of = samples.stream().filter(s -> s.what().equals(what)).toList();
                        long rss = median(of.stream().map(FloorBench.Sample::idleRssKiB).toList());
                        System.out.printf(Locale.ROOT, "| %s | %d | %s |%n", what, median(of.stream().map(FloorBench.Sample::readyMillis).toList()),
                                rss == 0 ? "-" : ProcessProbe.mib(rss));
                    });
                    System.out.println("\nload average after: " + ProcessProbe.loadAverage());
                }
                case "overhead" -> {
                    long seconds = Long.parseLong(System.getProperty("coffer.bench.seconds", "3"));
                    List<Integer> clients = integers("coffer.bench.clients", "1,16,64");
                    List<String> ops = java.util.Arrays.stream(System.getProperty("coffer.bench.ops", "").split(","))
                            .map(o -> o.trim().replace('_', ' ')).filter(o -> !o.isEmpty()).toList();
                    long warmUpMillis = Long.parseLong(System.getProperty("coffer.bench.warmup.millis", "2000"));
                    String cpus = System.getProperty("coffer.bench.backends.cpus", "");
                    List<OverheadBench.Row> rows;
                    // wrk when installed (bench/run installs it where it can), else the JDK HttpClient.
                    OverheadBench.Generator generator = OverheadBench.Generator.valueOf(System.getProperty("coffer.bench.generator",
                            WrkRunner.available() ? "wrk" : "jdk").toUpperCase(Locale.ROOT));
                    try (BenchBackends backends = cpus.isEmpty() ? BenchBackends.inProcess() : BenchBackends.pinnedTo(cpus)) {
                        System.out.println("backends " + backends.description() + "; load on Coffer from " + generator + "\n");
                        rows = OverheadBench.run(backends, generator, java.time.Duration.ofSeconds(seconds),
                                java.time.Duration.ofMillis(warmUpMillis), clients, ops);
                    }
                    // "thin": the same SDK calls behind a bare Jetty handler (ThinProxy), the floor of any HTTP hop.
                    System.out.println("| operation | clients | SDK req/s | thin req/s | thin ratio | Coffer req/s | Coffer ratio "
                            + "| SDK p50 / p99 ms | thin p50 ms | Coffer p50 / p99 ms | added p50 ms (thin / Coffer) | errors (SDK/thin/Coffer) |");
                    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
                    for (OverheadBench.Row r : rows) {
                        double sdkP50 = r.direct().percentileMillis(50);
                        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f | %.0f | %.2f | %.2f / %.2f | %.2f | %.2f / %.2f | %.2f / %.2f | %d/%d/%d |%n",
                                r.operation(), r.clients(), r.direct().perSecond(), r.thin().perSecond(),
                                r.thin().perSecond() / r.direct().perSecond(), r.coffer().perSecond(),
                                r.coffer().perSecond() / r.direct().perSecond(), sdkP50, r.direct().percentileMillis(99),
                                r.thin().percentileMillis(50), r.coffer().percentileMillis(50), r.coffer().percentileMillis(99),
                                r.thin().percentileMillis(50) - sdkP50, r.coffer().percentileMillis(50) - sdkP50,
                                r.direct().errors(), r.thin().errors(), r.coffer().errors());
                    }
                }
                case "metrics" -> {
                    // Coffer with and without metrics (metrics.token), same run, alternating slices.
                    long seconds = Long.parseLong(System.getProperty("coffer.bench.seconds", "8"));
                    List<Integer> clients = integers("coffer.bench.clients", "1,16");
                    long warmUpMillis = Long.parseLong(System.getProperty("coffer.bench.warmup.millis", "3000"));
                    if (!WrkRunner.available()) {
                        throw new IllegalStateException("the metrics suite needs wrk (bench/run installs it from Debian's packages)");
                    }
                    MetricsOverheadBench.Run run;
                    try (BenchBackends backends = BenchBackends.inProcess()) {
                        run = MetricsOverheadBench.run(backends, java.time.Duration.ofSeconds(seconds),
                                java.time.Duration.ofMillis(warmUpMillis), clients);
                    }
                    System.out.println("load average (1/5/15 min) before: " + run.loadBefore() + ", after: " + run.loadAfter()
                            + "; exposition after the run: " + run.exposedSamples() + " samples, " + run.exposedBytes() + " bytes\n");
                    var cpu = run.cpu();
                    System.out.printf(Locale.ROOT, "%nclient-side CPU per DynamoDB GetItem (calling thread): without metrics %.1f us, "
                            + "with %.1f us (%+.1f us); the request observer: %.0f ns per request; load average then %.2f%n%n",
                            cpu.getItemWithoutMicros(), cpu.getItemWithMicros(), cpu.getItemWithMicros() - cpu.getItemWithoutMicros(),
                            cpu.observerNanos(), cpu.loadAfter());
                    System.out.println("| operation | clients | without req/s | with req/s | with / without | without p50 / p99 ms "
                            + "| with p50 / p99 ms | added p50 ms | errors (without/with) |");
                    System.out.println("|---|---|---|---|---|---|---|---|---|");
                    for (MetricsOverheadBench.Row r : run.rows()) {
                        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f | %.2f / %.2f | %.2f / %.2f | %.3f | %d/%d |%n",
                                r.operation(), r.clients(), r.without().perSecond(), r.with().perSecond(),
                                r.with().perSecond() / r.without().perSecond(), r.without().percentileMillis(50),
                                r.without().percentileMillis(99), r.with().percentileMillis(50), r.with().percentileMillis(99),
                                r.with().percentileMillis(50) - r.without().percentileMillis(50), r.without().errors(), r.with().errors());
                    }
                }
                case "streaming" -> {
                    long bytes = Long.parseLong(System.getProperty("coffer.bench.bytes", Long.toString(1L << 30)));
                    System.out.println("| transfer | bytes | upload MB/s | download MB/s | peak RSS (MiB) | intact |");
                    System.out.println("|---|---|---|---|---|---|");
                    StreamingBench.Run run = StreamingBench.run(repo, bytes);
                    for (StreamingBench.Result r : run.results()) {
                        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s | %s |%n", r.what(), r.bytes(), r.uploadMbPerS(),
                                r.downloadMbPerS(), r.peakRssKiB() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.peakRssKiB() / 1024.0),
                                r.intact());
                    }
                    if (!run.rounds().isEmpty()) {
                        // Interleaved downloads (coffer.bench.downloads): CPU per GiB says more than MB/s on a shared machine.
                        double gib = bytes / (double) (1L << 30);
                        System.out.println("\n| round | Coffer | load before | direct MB/s | Coffer MB/s | Coffer / direct | Coffer CPU s/GiB "
                                + "| bench CPU s/GiB direct / via Coffer |");
                        System.out.println("|---|---|---|---|---|---|---|---|");
                        for (StreamingBench.Round r : run.rounds()) {
                            System.out.printf(Locale.ROOT, "| %d | %s | %s | %.0f | %.0f | %.2f | %.2f | %.2f / %.2f |%n", r.round(), r.coffer(), r.load(),
                                    r.directMbPerS(), r.cofferMbPerS(), r.cofferMbPerS() / r.directMbPerS(), r.cofferCpuS() / gib,
                                    r.directBenchCpuS() / gib, r.cofferBenchCpuS() / gib);
                        }
                    }
                }
                case "peers" -> {
                    // Coffer against PocketBase (bench/run installs it from npm into ~/.cache/coffer/pocketbase).
                    Path pocketBase = Path.of(System.getProperty("coffer.bench.pocketbase", ""));
                    List<Integer> clients = integers("coffer.bench.clients", "16,64");
                    List<String> ops = java.util.Arrays.stream(System.getProperty("coffer.bench.ops", "").split(","))
                            .map(o -> o.trim().replace('_', ' ')).filter(o -> !o.isEmpty()).toList();
                    String table = PeersBench.run(repo, pocketBase, rounds, seconds("3"), warmUp("2000"), clients, ops);
                    System.out.print(table);
                    Path file = repo.resolve("target/bench-peers-" + java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
                            .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
                    java.nio.file.Files.writeString(file, table);
                    System.out.println("written to " + file);
                }
                case "remote" -> {
                    // Coffer in remote mode under JVM option sets ('|' between sets, '~' for a space since BENCH_JAVA_OPTS
                    // splits on spaces; an empty set is the launcher's defaults), in interleaved rounds: RSS against throughput.
                    List<String> sets = java.util.Arrays.stream(System.getProperty("coffer.bench.remote.options", "").split("\\|", -1))
                            .map(o -> o.replace('~', ' ').trim()).toList();
                    System.out.println("| COFFER_JAVA_OPTS | round | first 200 (ms) | RSS idle / peak (MiB) | RSS after (PSS) | "
                            + "profile | get | list | 1 KB | 1 MB | create | load |");
                    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
                    for (PeersBench.RemoteRun r : PeersBench.remoteOptions(repo, sets, rounds, seconds("3"))) {
                        var rates = r.perSecond().values().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList();
                        System.out.printf(Locale.ROOT, "| %s | %d | %d | %s / %s | %s | %s | %s |%n", r.options().isEmpty() ? "(defaults)" : r.options(),
                                r.round(), r.firstOkMillis(), ProcessProbe.mib(r.idleRssKiB()), ProcessProbe.mib(r.peakRssKiB()), r.rssSplitAfter(),
                                String.join(" | ", rates), r.load());
                    }
                }
                case "writes" -> {
                    // What one create's writes cost in DynamoDB Local, shape by shape.
                    List<Integer> clients = integers("coffer.bench.clients", "16,64");
                    System.out.print(WriteShapesBench.run(java.nio.file.Files.createTempDirectory("coffer-bench-writes"), clients, rounds,
                            seconds("3"), warmUp("2000")));
                }
                case "delay" -> {
                    // Coffer in remote mode with a fixed delay per backend call (DelayProxy), as at AWS's latency.
                    List<Long> delays = java.util.Arrays.stream(System.getProperty("coffer.bench.delays", "5,20").split(","))
                            .map(String::trim).map(Long::valueOf).toList();
                    List<Integer> clients = integers("coffer.bench.clients", "16,64,256");
                    List<Integer> slots = integers("coffer.bench.slots", "512,16");
                    System.out.print(DelayBench.run(repo, delays, clients, slots, seconds("3")));
                }
                default -> throw new IllegalArgumentException("unknown suite " + suite);
            }
            System.out.println();
        }
    }

    /** A comma-separated list of whole numbers from the system property {@code name}, or from {@code defaults}. */
    private static List<Integer> integers(String name, String defaults) {
        return java.util.Arrays.stream(System.getProperty(name, defaults).split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    /** {@code -Dcoffer.bench.seconds}: how long a measured slice runs. */
    private static java.time.Duration seconds(String defaults) {
        return java.time.Duration.ofSeconds(Long.parseLong(System.getProperty("coffer.bench.seconds", defaults)));
    }

    /** {@code -Dcoffer.bench.warmup.millis}: how long each side warms before a cell. */
    private static java.time.Duration warmUp(String defaults) {
        return java.time.Duration.ofMillis(Long.parseLong(System.getProperty("coffer.bench.warmup.millis", defaults)));
    }

    private static String rates(java.util.Map<String, Double> perSecond) {
        return String.join(", ", perSecond.values().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
