package dev.coffer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Coffer against PocketBase (one Go binary on SQLite, what a user would self-host instead), both
 * as separate processes on this machine, driven by the same {@code wrk} (-t2) with equivalent
 * operations: a user's own profile, an item by id, a page of 20 items, 1 KB and 1 MB file
 * downloads, item create. PocketBase gets owner-only API rules on an {@code items} and a
 * {@code files} collection (protected file field, so a download needs the owner's file token), an
 * index on {@code (owner, id)} (Coffer's table is keyed by user and id), and lists with
 * {@code skipTotal=1} (Coffer's pages carry a cursor, no total count).
 *
 * <p>Method: time from launch to the first 200 of each, idle RSS, the first ten seconds after
 * ready (profile reads, 1 s slices) against the first profile cell's rate and against profile
 * reads measured again after every other cell (Coffer's JIT is busy for a minute), then for every operation and client
 * count a warm-up of both and interleaved slices (Coffer, PocketBase, PocketBase, Coffer, ...), so
 * that load from elsewhere on the shared machine hits both alike. Each slice records both
 * processes' CPU seconds and the load average; a sampler keeps each process's peak RSS. Finally
 * Coffer in remote mode (against DynamoDB Local and S3Proxy in this JVM) under the same operations,
 * for its own RSS.
 */
final class PeersBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final String PASSWORD = "bench-password-0123456789";
    private static final List<String> OPERATIONS = List.of("profile", "get item", "list 20 items", "download 1 KB",
            "download 1 MB", "create item");

    /** A server under test: its process, probe, base URL and one wrk request per operation. */
    record Server(String name, Process process, ProcessProbe probe, URI base, long firstOkMillis, long idleRssKiB,
                  Map<String, WrkRunner.Request> operations, List<Long> firstSeconds) {
    }

    /** One operation at one client count, both sides. */
    record Cell(String operation, int clients, LoadRunner.Result coffer, LoadRunner.Result peer, double cofferCpuSeconds,
                double peerCpuSeconds, long cofferPeakRssKiB, long peerPeakRssKiB, String load) {
    }

    static String run(Path repo, Path pocketBase, int rounds, Duration slice, Duration warmUp, List<Integer> clients,
                      List<String> only) throws Exception {
        var out = new StringBuilder();
        Path work = Files.createTempDirectory("coffer-bench-peers");
        out.append("load average at start: ").append(ProcessProbe.loadAverage()).append("; ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
        Server peer = null;
        Server coffer = null;
        var cells = new ArrayList<Cell>();
        try {
            // Each starts alone (the other not yet running), so the start-up figures are not a race.
            peer = startPocketBase(pocketBase, work.resolve("pb"));
            coffer = startCoffer(repo, work.resolve("coffer"), Map.of());
            for (String op : OPERATIONS) {
                if (!selected(only, op)) {
                    continue;
                }
                for (int c : clients) {
                    cells.add(cell(op, c, coffer, peer, rounds, slice, warmUp));
                }
            }
            // Profile reads again after every other cell: the first profile cell comes seconds after
            // ready, while Coffer's JIT still takes a sixth of the CPU, so it is no steady state.
            Cell atEnd = selected(only, "profile") ? cell("profile", 16, coffer, peer, rounds, slice, warmUp) : null;
            long cofferAfter = coffer.probe().rssKiB();
            long peerAfter = peer.probe().rssKiB();
            double cofferCpu = coffer.probe().cpuSeconds();
            double peerCpu = peer.probe().cpuSeconds();
            report(out, coffer, peer, cells, atEnd, cofferAfter, peerAfter, cofferCpu, peerCpu);
        } finally {
            stop(coffer);
            stop(peer);
        }
        if (!Boolean.getBoolean("coffer.bench.peers.skipRemote")) {
            remote(out, repo, work.resolve("remote"), only);
        }
        if (selected(only, "create item")) {
            rawPutItem(out, work.resolve("raw"), clients, slice.multipliedBy(rounds), warmUp);
        }
        return out.toString();
    }

    /** Whether {@code op} is measured: every operation when {@code only} is empty, else those containing one of its names. */
    private static boolean selected(List<String> only, String op) {
        return only.isEmpty() || only.stream().anyMatch(op::contains);
    }

    // ---- one cell ------------------------------------------------------------------------------

    private static Cell cell(String op, int clients, Server coffer, Server peer, int rounds, Duration slice, Duration warmUp)
            throws Exception {
        wrk(coffer, op, clients, warmUp);
        wrk(peer, op, clients, warmUp);
        coffer.probe().resetPeak();
        peer.probe().resetPeak();
        var c = new ArrayList<LoadRunner.Result>();
        var p = new ArrayList<LoadRunner.Result>();
        double cCpu = 0;
        double pCpu = 0;
        var loads = new ArrayList<String>();
        for (int i = 0; i < rounds; i++) {
            loads.add(ProcessProbe.loadAverage());
            // Alternate who goes first, so neither always runs right after the other.
            for (Server s : i % 2 == 0 ? List.of(coffer, peer) : List.of(peer, coffer)) {
                double before = s.probe().cpuSeconds();
                LoadRunner.Result r = wrk(s, op, clients, slice);
                double used = s.probe().cpuSeconds() - before;
                if (s == coffer) {
                    c.add(r);
                    cCpu += used;
                } else {
                    p.add(r);
                    pCpu += used;
                }
            }
        }
        return new Cell(op, clients, LoadRunner.Result.merge(c), LoadRunner.Result.merge(p), cCpu, pCpu,
                coffer.probe().peakRssKiB(), peer.probe().peakRssKiB(), String.join("/", loads));
    }

    private static LoadRunner.Result wrk(Server s, String op, int clients, Duration d) throws Exception {
        return WrkRunner.run(op, s.base(), 2, clients, d, 5_000_000, s.operations().get(op));
    }

    /** Profile reads at 16 connections in 1 s slices, right after the server answered its first 200. */
    static List<Long> firstSeconds(URI base, WrkRunner.Request profile, int seconds) throws Exception {
        var perSecond = new ArrayList<Long>();
        for (int i = 0; i < seconds; i++) {
            perSecond.add(Math.round(WrkRunner.run("first", base, 2, 16, Duration.ofSeconds(1), 5_000_000, profile).perSecond()));
        }
        return perSecond;
    }

    // ---- report --------------------------------------------------------------------------------

    private static void report(StringBuilder out, Server coffer, Server peer, List<Cell> cells, Cell atEnd, long cofferAfter,
                               long peerAfter, double cofferCpu, double peerCpu) {
        out.append("### Start-up and memory\n\n| | Coffer (embedded default) | PocketBase 0.22.20 | Coffer / PocketBase |\n|---|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| launch to first 200 (ms) | %d | %d | %.1f |%n", coffer.firstOkMillis(), peer.firstOkMillis(),
                (double) coffer.firstOkMillis() / Math.max(1, peer.firstOkMillis())));
        out.append(String.format(Locale.ROOT, "| RSS idle after start (MiB) | %s | %s | %.1f |%n", ProcessProbe.mib(coffer.idleRssKiB()),
                ProcessProbe.mib(peer.idleRssKiB()), (double) coffer.idleRssKiB() / peer.idleRssKiB()));
        long cPeak = cells.stream().mapToLong(Cell::cofferPeakRssKiB).max().orElse(-1);
        long pPeak = cells.stream().mapToLong(Cell::peerPeakRssKiB).max().orElse(-1);
        out.append(String.format(Locale.ROOT, "| RSS peak under load (MiB) | %s | %s | %.1f |%n", ProcessProbe.mib(cPeak),
                ProcessProbe.mib(pPeak), (double) cPeak / pPeak));
        out.append(String.format(Locale.ROOT, "| RSS after the runs (MiB) | %s | %s | %.1f |%n", ProcessProbe.mib(cofferAfter),
                ProcessProbe.mib(peerAfter), (double) cofferAfter / peerAfter));
        out.append(String.format(Locale.ROOT, "| CPU seconds, whole run | %.1f | %.1f | %.2f |%n%n", cofferCpu, peerCpu, cofferCpu / peerCpu));

        out.append("### First seconds after ready: profile reads, 16 connections, req/s per 1 s slice\n\n");
        out.append("| | s1..s10 | first 10 s mean | steady (profile, c16 rounds) | first 10 s / steady "
                + "| profile c16 again after every cell | first 10 s / that |\n|---|---|---|---|---|---|---|\n");
        Cell steady = cells.stream().filter(x -> x.operation().equals("profile") && x.clients() == 16).findFirst().orElse(null);
        for (Server s : List.of(coffer, peer)) {
            double mean = s.firstSeconds().stream().mapToLong(Long::longValue).average().orElse(0);
            double steadyRate = rate(steady, s == coffer);
            double endRate = rate(atEnd, s == coffer);
            out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %.0f | %.2f |%n", s.name(), s.firstSeconds(), mean,
                    steadyRate, mean / steadyRate, endRate, mean / endRate));
        }
        out.append("\n### Throughput, latency, CPU (wrk -t2; interleaved slices)\n\n");
        out.append("| operation | clients | Coffer req/s | PocketBase req/s | **Coffer / PB** | Coffer p50 / p99 ms | PB p50 / p99 ms "
                + "| p50 ratio | p99 ratio | CPU ms/req Coffer / PB | peak RSS MiB Coffer / PB | load avg per round | errors C/PB |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Cell x : cells) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | **%.2f** | %.2f / %.2f | %.2f / %.2f | %.2f | %.2f | %.3f / %.3f | %s / %s | %s | %d/%d |%n",
                    x.operation(), x.clients(), x.coffer().perSecond(), x.peer().perSecond(), x.coffer().perSecond() / x.peer().perSecond(),
                    x.coffer().percentileMillis(50), x.coffer().percentileMillis(99), x.peer().percentileMillis(50),
                    x.peer().percentileMillis(99), x.coffer().percentileMillis(50) / x.peer().percentileMillis(50),
                    x.coffer().percentileMillis(99) / x.peer().percentileMillis(99),
                    1000 * x.cofferCpuSeconds() / Math.max(1, x.coffer().ops()), 1000 * x.peerCpuSeconds() / Math.max(1, x.peer().ops()),
                    ProcessProbe.mib(x.cofferPeakRssKiB()), ProcessProbe.mib(x.peerPeakRssKiB()), x.load(),
                    x.coffer().errors(), x.peer().errors()));
        }
        out.append('\n');
    }

    /** Coffer's or PocketBase's req/s in {@code cell}; NaN when the cell was not run. */
    private static double rate(Cell cell, boolean coffer) {
        return cell == null ? Double.NaN : (coffer ? cell.coffer() : cell.peer()).perSecond();
    }

    // ---- Coffer --------------------------------------------------------------------------------

    /** Coffer through its launcher (so the launcher's JVM options and class-data cache apply). */
    static Server startCoffer(Path repo, Path dir, Map<String, String> remoteEnv) throws Exception {
        return startCoffer(repo, dir, remoteEnv, remoteEnv.isEmpty());
    }

    /** As above; with {@code measureFirstSeconds}, profile reads in 1 s slices right after login (else only on the embedded default). */
    static Server startCoffer(Path repo, Path dir, Map<String, String> remoteEnv, boolean measureFirstSeconds) throws Exception {
        Launched launched = launchCoffer(repo, dir, remoteEnv);
        try {
            return setUpCoffer(launched.process(), launched.base(), launched.startNanos(), launched.port(), remoteEnv.isEmpty(),
                    measureFirstSeconds);
        } catch (Exception | Error e) {
            launched.process().destroyForcibly();   // a failed set-up must not leave a server running
            throw e;
        }
    }

    /** A {@code ./coffer serve} just launched: its process, address and the moment of launch. */
    record Launched(Process process, URI base, long startNanos, int port) {
    }

    /** Launches {@code ./coffer serve} on a free port with one collection; embedded unless remoteEnv names backends. */
    static Launched launchCoffer(Path repo, Path dir, Map<String, String> remoteEnv) throws Exception {
        Files.createDirectories(dir);
        Path toml = dir.resolve("coffer.toml");
        Files.writeString(toml, "[collections.items]\n");
        int port = freePort();
        var command = new ArrayList<>(List.of(repo.resolve("coffer").toString(), "serve", "--port", Integer.toString(port),
                "--config", toml.toString()));
        if (remoteEnv.isEmpty()) {
            command.addAll(List.of("--data-dir", dir.resolve("data").toString()));
        }
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("coffer.log").toFile());
        builder.environment().keySet().removeIf(k -> (k.startsWith("AWS_") || k.startsWith("COFFER_") || k.equals("PORT"))
                && !k.equals("COFFER_JAVA_OPTS"));
        if (!remoteEnv.isEmpty()) {
            // What a deployment against AWS runs (the Docker image's cache is trained in remote mode);
            // bench/run trains this cache before any start is timed. An option set may name another.
            builder.environment().put("COFFER_AOT", "remote");
        }
        builder.environment().putAll(remoteEnv);
        // Every wrk connection comes from 127.0.0.1: the per-address cap must not be what is measured.
        builder.environment().put("COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "100000");
        // One login serves the whole run; with long warm-ups (coffer.bench.warmup.millis) a run outlasts
        // the default 15 minutes, and every request after that would be a 401 instead of a measurement.
        builder.environment().put("COFFER_AUTH_ACCESS_TOKEN_TTL", "24h");
        long start = System.nanoTime();
        return new Launched(builder.start(), URI.create("http://127.0.0.1:" + port), start, port);
    }

    private static Server setUpCoffer(Process process, URI base, long start, int port, boolean embedded, boolean measureFirstSeconds)
            throws Exception {
        long firstOk = waitFor200(process, base.resolve("/health/ready"), start);
        var probe = new ProcessProbe(process.pid());
        Thread.sleep(2000);
        long idle = probe.rssKiB();

        // One user per start: several starts may share one set of remote backends.
        String email = "bench-" + port + "@example.com";
        post(base.resolve("/api/v1/auth/register"), Map.of(), Map.of("email", email, "password", PASSWORD));
        String token = post(base.resolve("/api/v1/auth/login"), Map.of(), Map.of("email", email, "password", PASSWORD))
                .get("access_token").asText();
        var plain = Map.of("Authorization", "Bearer " + token);
        var json = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
        var ops = new LinkedHashMap<String, WrkRunner.Request>();
        ops.put("profile", new WrkRunner.Request("GET", "\"/api/v1/auth/me\"", plain, null));
        List<Long> first = measureFirstSeconds ? firstSeconds(base, ops.get("profile"), 10) : List.of();
        for (int i = 0; i < 40; i++) {
            post(base.resolve("/api/v1/collections/items/items"), plain, Map.of("id", "seed-%03d".formatted(i), "n", 1));
        }
        putFile(base.resolve("/api/v1/files/1kb"), plain, bytes(1024));
        putFile(base.resolve("/api/v1/files/1mb"), plain, bytes(1024 * 1024));
        ops.put("get item", new WrkRunner.Request("GET",
                "string.format(\"/api/v1/collections/items/items/seed-%03d\", math.random(0, 39))", plain, null));
        ops.put("list 20 items", new WrkRunner.Request("GET", "\"/api/v1/collections/items/items?limit=20\"", plain, null));
        ops.put("download 1 KB", new WrkRunner.Request("GET", "\"/api/v1/files/1kb\"", plain, null));
        ops.put("download 1 MB", new WrkRunner.Request("GET", "\"/api/v1/files/1mb\"", plain, null));
        ops.put("create item", new WrkRunner.Request("POST", "\"/api/v1/collections/items/items\"", json, "'{\"n\":1}'"));
        return new Server(embedded ? "Coffer" : "Coffer (remote)", process, probe, base, firstOk, idle, ops, first);
    }

    // ---- PocketBase ----------------------------------------------------------------------------

    static Server startPocketBase(Path binary, Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        // --dev=false explicitly: started from a scratch folder it would otherwise log every SQL statement.
        var builder = new ProcessBuilder(binary.toString(), "serve", "--http=127.0.0.1:" + port, "--dir", dir.resolve("pb_data").toString(),
                "--dev=false").directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("pocketbase.log").toFile());
        URI base = URI.create("http://127.0.0.1:" + port);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            return setUpPocketBase(process, base, start);
        } catch (Exception | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static Server setUpPocketBase(Process process, URI base, long start) throws Exception {
        long firstOk = waitFor200(process, base.resolve("/api/health"), start);
        var probe = new ProcessProbe(process.pid());
        Thread.sleep(2000);
        long idle = probe.rssKiB();

        // The first admin needs no auth while there is none (PocketBase 0.22).
        post(base.resolve("/api/admins"), Map.of(), Map.of("email", "admin@example.com", "password", PASSWORD, "passwordConfirm", PASSWORD));
        String admin = post(base.resolve("/api/admins/auth-with-password"), Map.of(),
                Map.of("identity", "admin@example.com", "password", PASSWORD)).get("token").asText();
        var asAdmin = Map.of("Authorization", admin);
        String owner = "owner = @request.auth.id";
        String create = "@request.auth.id != '' && @request.data.owner = @request.auth.id";
        Map<String, Object> ownerField = Map.of("name", "owner", "type", "relation", "required", true,
                "options", Map.of("collectionId", "_pb_users_auth_", "maxSelect", 1, "cascadeDelete", true));
        post(base.resolve("/api/collections"), asAdmin, Map.of("name", "items", "type", "base",
                "schema", List.of(ownerField, Map.of("name", "n", "type", "number")),
                "indexes", List.of("CREATE INDEX idx_items_owner_id ON items (owner, id)"),
                "listRule", owner, "viewRule", owner, "createRule", create, "updateRule", owner, "deleteRule", owner));
        post(base.resolve("/api/collections"), asAdmin, Map.of("name", "files", "type", "base",
                "schema", List.of(ownerField, Map.of("name", "file", "type", "file", "required", true,
                        "options", Map.of("maxSelect", 1, "maxSize", 8 * 1024 * 1024, "protected", true))),
                "indexes", List.of("CREATE INDEX idx_files_owner ON files (owner)"),
                "listRule", owner, "viewRule", owner, "createRule", create, "updateRule", owner, "deleteRule", owner));
        // A protected file needs a file token (default life 2 min); the bench runs longer.
        send(HttpRequest.newBuilder(base.resolve("/api/settings")).header("Authorization", admin).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"recordFileToken\":{\"duration\":86400}}")));
        post(base.resolve("/api/collections/users/records"), Map.of(),
                Map.of("email", "bench@example.com", "password", PASSWORD, "passwordConfirm", PASSWORD));
        JsonNode auth = post(base.resolve("/api/collections/users/auth-with-password"), Map.of(),
                Map.of("identity", "bench@example.com", "password", PASSWORD));
        String token = auth.get("token").asText();
        String uid = auth.get("record").get("id").asText();
        var plain = Map.of("Authorization", token);
        var json = Map.of("Authorization", token, "Content-Type", "application/json");
        var ops = new LinkedHashMap<String, WrkRunner.Request>();
        ops.put("profile", new WrkRunner.Request("GET", "\"/api/collections/users/records/" + uid + "\"", plain, null));
        List<Long> first = firstSeconds(base, ops.get("profile"), 10);
        for (int i = 0; i < 40; i++) {
            post(base.resolve("/api/collections/items/records"), plain, Map.of("id", "seed%011d".formatted(i), "owner", uid, "n", 1));
        }
        String oneKb = uploadPocketBase(base, plain, uid, "1kb.bin", bytes(1024));
        String oneMb = uploadPocketBase(base, plain, uid, "1mb.bin", bytes(1024 * 1024));
        String fileToken = post(base.resolve("/api/files/token"), plain, Map.of()).get("token").asText();
        ops.put("get item", new WrkRunner.Request("GET",
                "string.format(\"/api/collections/items/records/seed%011d\", math.random(0, 39))", plain, null));
        ops.put("list 20 items", new WrkRunner.Request("GET", "\"/api/collections/items/records?perPage=20&skipTotal=1&sort=id\"", plain, null));
        ops.put("download 1 KB", new WrkRunner.Request("GET", "\"/api/files/files/" + oneKb + "?token=" + fileToken + "\"", plain, null));
        ops.put("download 1 MB", new WrkRunner.Request("GET", "\"/api/files/files/" + oneMb + "?token=" + fileToken + "\"", plain, null));
        ops.put("create item", new WrkRunner.Request("POST", "\"/api/collections/items/records\"", json,
                "'{\"owner\":\"" + uid + "\",\"n\":1}'"));
        return new Server("PocketBase", process, probe, base, firstOk, idle, ops, first);
    }

    /** Uploads one file record; answers "recordId/storedName". */
    private static String uploadPocketBase(URI base, Map<String, String> headers, String uid, String name, byte[] content)
            throws Exception {
        String boundary = "bench" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
        var body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\n" + uid + "\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(base.resolve("/api/collections/files/records")).header("Content-Type",
                "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        headers.forEach(request::header);
        JsonNode record = send(request);
        return record.get("id").asText() + "/" + record.get("file").asText();
    }

    // ---- remote mode ---------------------------------------------------------------------------

    /** Coffer in remote mode against DynamoDB Local and S3Proxy in this JVM: its own RSS under the same load. */
    private static void remote(StringBuilder out, Path repo, Path dir, List<String> only) throws Exception {
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("bench remote target")) {
            Server coffer = startCoffer(repo, dir, remoteEnv(stack));
            try {
                out.append("### Coffer in remote mode (backends in the bench JVM): RSS of the Coffer process alone\n\n");
                out.append("| operation | clients | req/s | p50 / p99 ms | CPU ms/req | peak RSS (MiB) | load avg |\n|---|---|---|---|---|---|---|\n");
                long peak = 0;
                for (String op : OPERATIONS) {
                    if (!selected(only, op)) {
                        continue;
                    }
                    wrk(coffer, op, 64, Duration.ofSeconds(1));
                    coffer.probe().resetPeak();
                    String load = ProcessProbe.loadAverage();
                    double before = coffer.probe().cpuSeconds();
                    LoadRunner.Result r = wrk(coffer, op, 64, Duration.ofSeconds(3));
                    double cpu = coffer.probe().cpuSeconds() - before;
                    long rss = coffer.probe().peakRssKiB();
                    peak = Math.max(peak, rss);
                    out.append(String.format(Locale.ROOT, "| %s | 64 | %.0f | %.2f / %.2f | %.3f | %s | %s |%n", op, r.perSecond(),
                            r.percentileMillis(50), r.percentileMillis(99), 1000 * cpu / Math.max(1, r.ops()), ProcessProbe.mib(rss), load));
                }
                out.append(String.format(Locale.ROOT, "%nremote mode: launch to first 200 %d ms, RSS idle %s MiB, peak under load %s MiB, "
                        + "after %s MiB%n%n", coffer.firstOkMillis(), ProcessProbe.mib(coffer.idleRssKiB()), ProcessProbe.mib(peak),
                        ProcessProbe.mib(coffer.probe().rssKiB())));
            } finally {
                stop(coffer);
            }
        }
    }

    /** What a Coffer in remote mode needs to use {@code stack} as its AWS, listening on loopback. */
    private static Map<String, String> remoteEnv(EmbeddedServers stack) {
        var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), stack.s3().endpoint());
        env.put("COFFER_HOST", "127.0.0.1");
        return env;
    }

    /** One remote-mode start under one set of JVM options: start-up, RSS and each operation's rate at 64 connections. */
    record RemoteRun(String options, int round, long firstOkMillis, long idleRssKiB, long peakRssKiB, String rssSplitAfter,
                     Map<String, Double> perSecond, String load) {
    }

    /**
     * Coffer in remote mode under each of {@code optionSets} (as {@code COFFER_JAVA_OPTS}; a word
     * {@code NAME=value} with an upper-case name goes to the launcher's environment instead, e.g.
     * {@code COFFER_AOT=remote}), in interleaved rounds against one set of backends in this JVM:
     * what an option buys in RSS and costs in throughput, side by side.
     */
    static List<RemoteRun> remoteOptions(Path repo, List<String> optionSets, int rounds, Duration slice) throws Exception {
        var runs = new ArrayList<RemoteRun>();
        Path work = Files.createTempDirectory("coffer-bench-remote");
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("bench remote target")) {
            int n = 0;
            for (int round = 1; round <= rounds; round++) {
                for (String options : optionSets) {
                    var env = remoteEnv(stack);
                    var jvm = new ArrayList<String>();
                    for (String word : options.isBlank() ? new String[0] : options.trim().split("\\s+")) {
                        if (word.matches("[A-Z][A-Z0-9_]*=.*")) {
                            env.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
                        } else {
                            jvm.add(word);
                        }
                    }
                    env.put("COFFER_JAVA_OPTS", String.join(" ", jvm));
                    Server coffer = startCoffer(repo, work.resolve("r" + n++), env);
                    try {
                        String load = ProcessProbe.loadAverage();
                        coffer.probe().resetPeak();
                        Map<String, Double> rates = eachOperation(coffer, slice);
                        runs.add(new RemoteRun(options, round, coffer.firstOkMillis(), coffer.idleRssKiB(), coffer.probe().peakRssKiB(),
                                ProcessProbe.rssSplit(coffer.process().pid()), rates, load + " -> " + ProcessProbe.loadAverage()));
                    } finally {
                        stop(coffer);
                    }
                }
            }
        }
        return runs;
    }

    /** Every operation in turn at 64 connections, each warmed for 1 s and then measured for {@code slice}: requests per second. */
    static Map<String, Double> eachOperation(Server coffer, Duration slice) throws Exception {
        var rates = new java.util.LinkedHashMap<String, Double>();
        for (String op : OPERATIONS) {
            wrk(coffer, op, 64, Duration.ofSeconds(1));
            rates.put(op, wrk(coffer, op, 64, slice).perSecond());
        }
        return rates;
    }

    // ---- DynamoDB Local alone ------------------------------------------------------------------

    /**
     * The write ceiling under Coffer's item create: DynamoDB Local on disk (as the embedded default
     * runs it, SQLite in the data folder) taking the same conditional PutItem on a table with a
     * stream (Coffer's tables have one), through the direct client Coffer's own clients use
     * (loopback HTTP only if this DynamoDB Local's internals were not found), warmed as long as the
     * cells were.
     */
    private static void rawPutItem(StringBuilder out, Path dir, List<Integer> clients, Duration budget, Duration warmUp)
            throws Exception {
        Files.createDirectories(dir);
        try (EmbeddedServers stack = EmbeddedServers.onDisk(dir).start("bench raw PutItem");
             var backends = WriteShapesBench.clientsOn(stack)) {
            boolean inProcess = stack.dynamoDb().inJvm().isPresent();   // the same test Backends makes
            var ddb = backends.clients().dynamoDb();
            WriteShapesBench.createItemsTable(ddb, "raw");
            LoadRunner.OperationFactory put = c -> () -> ddb.putItem(WriteShapesBench.put("raw", "raw-user"));
            out.append("### DynamoDB Local alone: conditional PutItem from the SDK (on disk, in the bench JVM, ")
                    .append(inProcess ? "called directly" : "over loopback HTTP").append(" through Coffer's clients")
                    .append(", a table with a stream, ").append(warmUp.toMillis()).append(" ms warm-up)\n\n");
            out.append("| clients | PutItem/s | p50 / p99 ms | load avg |\n|---|---|---|---|\n");
            for (int c : clients) {
                LoadRunner.run("warm", c, warmUp, 1_000_000, put);
                String load = ProcessProbe.loadAverage();
                LoadRunner.Result r = LoadRunner.run("PutItem", c, budget, 1_000_000, put);
                out.append(String.format(Locale.ROOT, "| %d | %.0f | %.2f / %.2f | %s |%n", c, r.perSecond(), r.percentileMillis(50),
                        r.percentileMillis(99), load));
            }
            out.append('\n');
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    static long waitFor200(Process process, URI uri, long startNanos) throws Exception {
        long deadline = startNanos + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(uri + ": the process exited with " + process.exitValue());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return (System.nanoTime() - startNanos) / 1_000_000;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(uri + " did not answer 200 within 120 s");
    }

    private static JsonNode post(URI uri, Map<String, String> headers, Object body) throws Exception {
        var request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        headers.forEach(request::header);
        return send(request);
    }

    private static void putFile(URI uri, Map<String, String> headers, byte[] body) throws Exception {
        var request = HttpRequest.newBuilder(uri).header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        send(request);
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /**
     * A free loopback port below Linux's ephemeral range (32768-60999 by default). A port the kernel
     * handed out here is free again once this returns, and the embedded S3Proxy's and DynamoDB Local's
     * own port-0 listeners, started before Coffer's, took it in one bench run ("address already in
     * use"); they never take one outside that range.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (BindException taken) {
                // another one
            }
        }
        throw new IOException("no free loopback port in 20000-31999");
    }

    static void stop(Server s) throws InterruptedException {
        if (s == null) {
            return;
        }
        s.probe().close();
        s.process().destroy();
        if (!s.process().waitFor(20, TimeUnit.SECONDS)) {
            s.process().destroyForcibly();
        }
    }

    private PeersBench() {
    }
}
