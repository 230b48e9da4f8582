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

    record Run(List<Row> rows, String loadBefore, String loadAfter, int exposedSamples, int exposedBytes) {
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
            return new Run(rows, loadBefore, loadAverage(), samples, scrape.body().length());
        }
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
