package dev.coffer.bench;

import dev.coffer.testing.TestCoffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What metrics cost on the hot path: two Coffers in one JVM on the same backends, one with metrics
 * off (the default) and one with {@code metrics.token} set (HTTP series, AWS call timing through
 * the SDK's metric collection, consumed capacity), driven alike by wrk in alternating slices, so a
 * burst of load from elsewhere on the shared machine hits both sides alike. The load average is
 * read before and after, for the table beside the figures.
 */
final class MetricsOverheadBench {
    static final int SLICES = 4;
    private static final String TOKEN = "bench-metrics-token-0123456789abcdef";

    record Row(String operation, int clients, LoadRunner.Result without, LoadRunner.Result with) {
    }

    record Run(List<Row> rows, String loadBefore, String loadAfter, int exposedSamples, int exposedBytes, Cpu cpu) {
    }

    /**
     * CPU time of the calling thread, which only counts while the thread runs and so is far less
     * moved by other load on the machine than throughput: per DynamoDB GetItem through each
     * Coffer's own SDK client (the server side runs on DynamoDB Local's threads, not counted), and
     * per answered request of the metrics' request observer alone.
     */
    record Cpu(double getItemWithoutMicros, double getItemWithMicros, double observerNanos, double loadAfter) {
    }

    private record Side(TestCoffer coffer, URI base, String auth) {
    }

    static Run run(BenchBackends backends, Duration perCell, Duration warmUp, List<Integer> concurrency) throws Exception {
        String loadBefore = loadAverage();
        var rows = new ArrayList<Row>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (var off = start(backends, "bench-metrics-off", Map.of());
             var on = start(backends, "bench-metrics-on", Map.of("COFFER_METRICS_TOKEN", TOKEN))) {
            Side without = seed(client, off);
            Side with = seed(client, on);
            var ops = List.of(
                    new Op("get item", "GET", "string.format(\"/api/v1/collections/bench/items/seed-%03d\", math.random(0, 39))", false, null),
                    new Op("create item", "POST", "\"/api/v1/collections/bench/items\"", true, "'{\"n\":1}'"),
                    new Op("query 20 items", "GET", "\"/api/v1/collections/bench/items?limit=20\"", false, null),
                    new Op("download 1 KB", "GET", "\"/api/v1/files/1kb\"", false, null));
            for (Op op : ops) {
                for (int clients : concurrency) {
                    WrkRunner.run(op.name(), without.base(), clients, warmUp, 1_000_000, op.request(without.auth()));
                    WrkRunner.run(op.name(), with.base(), clients, warmUp, 1_000_000, op.request(with.auth()));
                    var a = new ArrayList<LoadRunner.Result>();
                    var b = new ArrayList<LoadRunner.Result>();
                    Duration slice = perCell.dividedBy(SLICES);
                    for (int i = 0; i < SLICES; i++) {
                        // Alternate which side goes first, so neither always follows the other's GC.
                        if (i % 2 == 0) {
                            a.add(WrkRunner.run(op.name(), without.base(), clients, slice, 1_000_000, op.request(without.auth())));
                            b.add(WrkRunner.run(op.name(), with.base(), clients, slice, 1_000_000, op.request(with.auth())));
                        } else {
                            b.add(WrkRunner.run(op.name(), with.base(), clients, slice, 1_000_000, op.request(with.auth())));
                            a.add(WrkRunner.run(op.name(), without.base(), clients, slice, 1_000_000, op.request(without.auth())));
                        }
                    }
                    rows.add(new Row(op.name(), clients, LoadRunner.Result.merge(a), LoadRunner.Result.merge(b)));
                }
            }
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(with.base().resolve("/metrics"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            int samples = (int) scrape.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
            Cpu cpu = cpu(off, on);
            return new Run(rows, loadBefore, loadAverage(), samples, scrape.body().length(), cpu);
        }
    }

    private static Cpu cpu(TestCoffer off, TestCoffer on) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        var without = off.server().clients().dynamoDb();
        var with = on.server().clients().dynamoDb();
        String tableOff = off.server().config().collections().get("bench").table();
        String tableOn = on.server().config().collections().get("bench").table();
        int calls = 2_000;
        long cpuWithout = 0;
        long cpuWith = 0;
        for (int round = 0; round < 6; round++) {
            long a = getItems(threads, without, tableOff, calls);
            long b = getItems(threads, with, tableOn, calls);
            if (round >= 2) {   // the first rounds warm the JIT up
                cpuWithout += a;
                cpuWith += b;
            }
        }
        var observer = on.server().metrics().orElseThrow().requestObserver();
        var request = new dev.coffer.http.CompletedRequest("GET", java.util.Optional.of("/api/v1/collections/{collection}/items/{id}"),
                "/api/v1/collections/bench/items/seed-001", 200, 3_000_000, "req-1", "127.0.0.1",
                java.util.Optional.empty(), java.util.Optional.empty());
        int n = 1_000_000;
        long observed = 0;
        for (int round = 0; round < 3; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                observer.started();
                observer.completed(request);
            }
            observed = threads.getCurrentThreadCpuTime() - start;
        }
        double load;
        try {
            load = Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            load = Double.NaN;
        }
        return new Cpu(cpuWithout / 4.0 / calls / 1000.0, cpuWith / 4.0 / calls / 1000.0, (double) observed / n, load);
    }

    private static long getItems(java.lang.management.ThreadMXBean threads,
                                 software.amazon.awssdk.services.dynamodb.DynamoDbClient client, String table, int calls) {
        var key = Map.of("user_id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("bench-user"),
                "id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("seed-001"));
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < calls; i++) {
            client.getItem(b -> b.tableName(table).key(key));
        }
        return threads.getCurrentThreadCpuTime() - start;
    }

    private record Op(String name, String method, String path, boolean json, String body) {
        WrkRunner.Request request(String auth) {
            Map<String, String> headers = json ? Map.of("Authorization", auth, "Content-Type", "application/json")
                    : Map.of("Authorization", auth);
            return new WrkRunner.Request(method, path, headers, body);
        }
    }

    private static TestCoffer start(BenchBackends backends, String table, Map<String, String> extra) {
        var env = new HashMap<>(TestCoffer.remoteEnv(backends.dynamoDb(), backends.s3()));
        env.put("COFFER_AWS_VALIDATE_CREDENTIALS", "false");
        env.put("COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "100000");
        env.putAll(extra);
        return TestCoffer.startRemote(TestCoffer.config("[collections.bench]\ntable = \"" + table + "\"\n", env));
    }

    /** 40 items and a 1 KB file for the bench user. */
    private static Side seed(HttpClient client, TestCoffer coffer) throws Exception {
        URI base = URI.create("http://127.0.0.1:" + coffer.server().port());
        String auth = "Bearer " + coffer.tokenFor("bench-user");
        for (int i = 0; i < 40; i++) {
            send(client, HttpRequest.newBuilder(base.resolve("/api/v1/collections/bench/items"))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"seed-%03d\",\"n\":1}".formatted(i))).build());
        }
        send(client, HttpRequest.newBuilder(base.resolve("/api/v1/files/1kb")).header("Authorization", auth)
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])).build());
        return new Side(coffer, base, auth);
    }

    private static void send(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them ("-" where there is none). */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "-";
        }
    }
}
