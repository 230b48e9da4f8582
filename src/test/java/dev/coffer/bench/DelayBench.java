package dev.coffer.bench;

import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.ServerConfig;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Coffer at AWS-like latency: remote mode against DynamoDB Local and S3Proxy behind
 * {@link DelayProxy} (a fixed delay per backend call), at several client counts and two settings
 * of {@code server.max_concurrent_requests}. Each operation here makes one backend call, so a
 * request holds its slot and an SDK connection for about the delay; the ceiling is
 * {@code min(clients, slots, SDK connections) / delay}, until the CPU is the limit. The table sets
 * the measured rate beside that ceiling, so an operator can size an instance from it.
 */
final class DelayBench {
    private static final List<String> OPERATIONS = List.of("get item", "create item", "download 1 KB");
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("coffer.bench.delay.warmup", 30));

    static String run(Path repo, List<Long> delaysMillis, List<Integer> clients, List<Integer> slots, Duration slice) throws Exception {
        var out = new StringBuilder();
        out.append("| delay per call (ms) | server.max_concurrent_requests | operation | clients | ceiling req/s = min(clients, slots, ")
                .append(SdkHttpClients.MAX_CONNECTIONS).append(") / delay | measured 2xx/s | of ceiling | p50 ms | 503/s | CPU ms/req | load avg |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Path work = Files.createTempDirectory("coffer-bench-delay");
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("bench delay target")) {
            for (long delay : delaysMillis) {
                try (DelayProxy ddb = DelayProxy.start(stack.dynamoDb().endpoint(), Duration.ofMillis(delay));
                     DelayProxy s3 = DelayProxy.start(stack.s3().endpoint(), Duration.ofMillis(delay))) {
                    for (int slotCount : slots) {
                        var env = TestCoffer.remoteEnv(ddb.endpoint(), s3.endpoint());
                        env.put("COFFER_HOST", "127.0.0.1");
                        env.put("COFFER_SERVER_MAX_CONCURRENT_REQUESTS", Integer.toString(slotCount));
                        PeersBench.Server coffer = PeersBench.startCoffer(repo, work.resolve(delay + "-" + slotCount), env);
                        try {
                            // A young JVM spends most of its CPU compiling (12 ms per request in its first 10 s in
                            // remote mode, 3 ms after two minutes): warm every operation before any cell counts.
                            for (String op : OPERATIONS) {
                                WrkRunner.run(op, coffer.base(), 2, 16, WARM_UP.dividedBy(OPERATIONS.size()), 5_000_000,
                                        coffer.operations().get(op));
                            }
                            for (String op : OPERATIONS) {
                                for (int c : clients) {
                                    WrkRunner.run(op, coffer.base(), 2, c, Duration.ofSeconds(1), 5_000_000, coffer.operations().get(op));
                                    String load = ProcessProbe.loadAverage();
                                    double before = coffer.probe().cpuSeconds();
                                    LoadRunner.Result r = WrkRunner.run(op, coffer.base(), 2, c, slice, 5_000_000, coffer.operations().get(op));
                                    double cpu = coffer.probe().cpuSeconds() - before;
                                    double seconds = r.elapsed().toNanos() / 1e9;
                                    double ceiling = Math.min(c, Math.min(slotCount, SdkHttpClients.MAX_CONNECTIONS)) * 1000.0 / delay;
                                    String row = String.format(Locale.ROOT, "| %d | %d | %s | %d | %.0f | %.0f | %.2f | %.2f | %.0f | %.3f | %s |%n",
                                            delay, slotCount, op, c, ceiling, r.perSecond(), r.perSecond() / ceiling,
                                            r.percentileMillis(50), r.errors() / seconds, 1000 * cpu / Math.max(1, r.ops() + r.errors()), load);
                                    System.err.print(row);   // progress: a long run on a loaded machine
                                    out.append(row);
                                }
                            }
                        } finally {
                            coffer.probe().close();
                            coffer.process().destroy();
                            coffer.process().waitFor();
                        }
                    }
                }
            }
        }
        out.append(String.format(Locale.ROOT, "%n(default server.max_concurrent_requests: %d; SDK connections per client (DynamoDB, S3): %d)%n",
                ServerConfig.DEFAULT_MAX_CONCURRENT_REQUESTS, SdkHttpClients.MAX_CONNECTIONS));
        return out.toString();
    }

    private DelayBench() {
    }
}
