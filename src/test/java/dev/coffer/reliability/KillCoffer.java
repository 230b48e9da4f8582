package dev.coffer.reliability;

import dev.coffer.auth.AccessTokens;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Secret;
import dev.coffer.testing.Http;
import dev.coffer.testing.TestCoffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Coffer itself killed with SIGKILL mid-write, again and again: Coffer runs as a child process in
 * remote mode against the embedded DynamoDB Local and S3Proxy of this JVM; N clients
 * create and delete items and upload small and multipart-sized files; after every so many
 * successful operations the harness kills the process ({@code kill -9}), starts a new one and
 * waits until it is ready. Afterwards:
 *
 * <ul>
 *   <li>every acknowledged write reads back intact, and every acknowledged delete stays deleted;
 *   <li>nothing is half-written: every file that exists, acknowledged or not, has exactly the
 *       bytes its upload sent (its name says which), and every item that exists is whole.
 * </ul>
 */
final class KillCoffer {
    /** What happened; {@code lost}, {@code resurrected} and {@code halfWritten} must all be zero. */
    record Report(long operations, Map<String, Long> outcomes, int kills, int ackedItems, int ackedFiles, int lost,
                  int resurrected, int halfWritten, int filesSeen, List<String> violations) {
        boolean clean() {
            return lost == 0 && resurrected == 0 && halfWritten == 0 && violations.isEmpty();
        }
    }

    static final String SIGNING_KEY = "kill-run-signing-key-0123456789abcdefghijkl";
    private static final int MIB = 1024 * 1024;
    /** Multipart starts at 5 MiB (the smallest part S3 allows), so every fourth upload is multipart. */
    private static final int LARGE = 6 * MIB;
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    static Report run(int clients, int operationsPerClient, int kills) throws Exception {
        Path data = Files.createTempDirectory("coffer-kill");
        // In memory: only Coffer is killed here, the servers live on in this JVM. (S3Proxy's
        // filesystem store also refuses the SSE headers remote mode sends.)
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("kill run")) {
            var child = new Child(stack, data);
            child.start();
            try {
                return drive(child, clients, operationsPerClient, kills);
            } finally {
                child.kill();
            }
        }
    }

    private static Report drive(Child child, int clients, int operationsPerClient, int kills) throws Exception {
        Http http = child.http();
        var tokens = new AccessTokens(Secret.of(SIGNING_KEY), Duration.ofHours(1), Clock.systemUTC());
        var ackedItems = new ConcurrentHashMap<String, String>();     // client/id -> text
        var ackedFiles = new ConcurrentHashMap<String, Integer>();    // client/path -> size
        var deletedItems = ConcurrentHashMap.<String>newKeySet();
        var outcomes = new ConcurrentHashMap<String, AtomicLong>();
        var violations = java.util.Collections.synchronizedList(new ArrayList<String>());
        var successes = new AtomicInteger();
        var up = new AtomicReference<>(new CountDownLatch(0));
        int total = clients * operationsPerClient;
        int killEvery = Math.max(1, total / (kills + 1));
        var killed = new AtomicInteger();

        Thread killer = Thread.ofVirtual().start(() -> {
            try {
                for (int k = 1; k <= kills; k++) {
                    int target = k * killEvery;
                    while (successes.get() < target && successes.get() < total) {
                        Thread.sleep(2);   // waiting for traffic, not measuring time
                    }
                    if (successes.get() >= total) {
                        return;
                    }
                    up.set(new CountDownLatch(1));
                    child.kill();
                    killed.incrementAndGet();
                    child.start();
                    up.get().countDown();
                }
            } catch (Exception e) {
                violations.add("killer: " + e);
                up.get().countDown();
            }
        });

        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            String token = tokens.issue(new UserId("kill-user-" + c));
            threads.add(Thread.ofVirtual().start(() -> {
                var mine = new ArrayList<String>();
                for (int i = 0; i < operationsPerClient; i++) {
                    String outcome;
                    try {
                        up.get().await();
                        Http.Response r = operate(http, token, client, i, mine, ackedItems, ackedFiles, deletedItems);
                        outcome = Integer.toString(r.status());
                        if (r.status() == 503 && (r.header("Retry-After").isEmpty() || !r.body().contains("\"code\""))) {
                            violations.add("503 without Retry-After or problem body: " + r.body());
                        }
                    } catch (UncheckedIOException | InterruptedException e) {
                        outcome = "no answer";   // killed mid-request: not acknowledged
                    }
                    if (outcome.startsWith("5") && !outcome.equals("503")) {
                        violations.add("client " + client + " op " + i + ": " + outcome);
                    }
                    outcomes.computeIfAbsent(outcome, key -> new AtomicLong()).incrementAndGet();
                    if (outcome.startsWith("2")) {
                        successes.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        successes.set(Integer.MAX_VALUE);
        killer.join();
        child.awaitReady();

        int lost = 0;
        for (var item : ackedItems.entrySet()) {
            String[] parts = item.getKey().split("/", 2);
            Http.Response r = http.get("/api/v1/collections/notes/items/" + parts[1], tokenOf(tokens, parts[0]));
            if (r.status() != 200 || !r.json().path("text").asText().equals(item.getValue())) {
                lost++;
            }
        }
        for (var file : ackedFiles.entrySet()) {
            String[] parts = file.getKey().split("/", 2);
            Http.Response r = http.get("/api/v1/files/" + parts[1], tokenOf(tokens, parts[0]));
            if (r.status() != 200 || !Arrays.equals(r.bytes(), content(parts[1], file.getValue()))) {
                lost++;
            }
        }
        int resurrected = 0;
        for (String item : deletedItems) {
            String[] parts = item.split("/", 2);
            if (http.get("/api/v1/collections/notes/items/" + parts[1], tokenOf(tokens, parts[0])).status() != 404) {
                resurrected++;
            }
        }
        int halfWritten = 0;
        int filesSeen = 0;
        for (int c = 0; c < clients; c++) {
            String token = tokens.issue(new UserId("kill-user-" + c));
            for (String path : listAll(http, token)) {
                filesSeen++;
                Http.Response r = http.get("/api/v1/files/" + path, token);
                int size = Integer.parseInt(path.substring(path.lastIndexOf('-') + 1, path.lastIndexOf('.')));
                if (r.status() != 200 || !Arrays.equals(r.bytes(), content(path, size))) {
                    halfWritten++;
                }
            }
            for (var item : http.get("/api/v1/collections/notes/items?limit=100", token).json().path("items")) {
                if (!item.path("text").asText().startsWith("c" + c + "-")) {
                    halfWritten++;
                }
            }
        }
        var counted = new TreeMap<String, Long>();
        outcomes.forEach((k, v) -> counted.put(k, v.get()));
        return new Report(counted.values().stream().mapToLong(Long::longValue).sum(), counted, killed.get(), ackedItems.size(),
                ackedFiles.size(), lost, resurrected, halfWritten, filesSeen, List.copyOf(violations));
    }

    private static Http.Response operate(Http http, String token, int client, int i, List<String> mine,
                                  Map<String, String> ackedItems, Map<String, Integer> ackedFiles, java.util.Set<String> deleted) {
        Http.Response r;
        switch (i % 4) {
            case 0, 2 -> {
                String text = "c" + client + "-" + i;
                r = http.request("POST", "/api/v1/collections/notes/items").bearer(token).json(Map.of("text", text)).send();
                if (r.status() == 201) {
                    String id = client + "/" + r.json().path("id").asText();
                    ackedItems.put(id, text);
                    mine.add(id);
                }
            }
            case 1 -> {
                // Every other upload is multipart-sized, so kills land inside part uploads too.
                int size = (i / 4) % 2 == 0 ? 1024 : LARGE;
                String path = "f/" + i + "-" + size + ".bin";
                r = http.request("PUT", "/api/v1/files/" + path).bearer(token).body(content(path, size), "application/octet-stream")
                        .send();
                if (r.status() == 200) {
                    ackedFiles.put(client + "/" + path, size);
                }
            }
            default -> {
                if (mine.isEmpty()) {
                    r = http.get("/api/v1/files?limit=5", token);
                } else {
                    String victim = mine.remove(0);
                    // In doubt until answered: a delete that gets no answer may or may not have landed.
                    String text = ackedItems.remove(victim);
                    r = http.request("DELETE", "/api/v1/collections/notes/items/" + victim.split("/")[1]).bearer(token).send();
                    if (r.status() == 204 || r.status() == 404) {
                        deleted.add(victim);
                    } else {
                        ackedItems.put(victim, text);
                        mine.add(0, victim);
                    }
                }
            }
        }
        return r;
    }

    /** The bytes an upload of {@code path} sends: a pattern seeded by the path, so any mix-up shows. */
    static byte[] content(String path, int size) {
        byte[] bytes = new byte[size];
        new java.util.SplittableRandom(path.hashCode()).nextBytes(bytes);
        return bytes;
    }

    private static String tokenOf(AccessTokens tokens, String client) {
        return tokens.issue(new UserId("kill-user-" + client));
    }

    private static List<String> listAll(Http http, String token) {
        var paths = new ArrayList<String>();
        String cursor = null;
        do {
            var page = http.get("/api/v1/files?limit=100" + (cursor == null ? "" : "&cursor=" + cursor), token).json();
            page.path("files").forEach(f -> paths.add(f.path("path").asText()));
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
        } while (cursor != null);
        return paths;
    }

    /** Coffer as a separate JVM in remote mode, started the way {@code coffer serve} starts. */
    static final class Child {
        private final EmbeddedServers stack;
        private final Path dir;
        private final int port;
        private final Map<String, String> extraEnv;
        private Process process;

        Child(EmbeddedServers stack, Path dir) throws IOException {
            this(stack, dir, "kill-notes", Map.of());
        }

        /** One of several instances of a deployment: its own dir and port, a shared table, extra settings. */
        Child(EmbeddedServers stack, Path dir, String table, Map<String, String> extraEnv) throws IOException {
            this.stack = stack;
            this.extraEnv = Map.copyOf(extraEnv);
            this.dir = dir;
            try (var socket = new ServerSocket(0)) {
                this.port = socket.getLocalPort();
            }
            Files.writeString(dir.resolve("coffer.toml"), "[collections.notes]\ntable = \"" + table + "\"\n");
        }

        Http http() {
            return new Http(URI.create("http://127.0.0.1:" + port + "/"));
        }

        int port() {
            return port;
        }

        void start() throws IOException, InterruptedException {
            String java = ProcessHandle.current().info().command().orElse("java");
            var builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "dev.coffer.cli.Main", "serve", "--config", dir.resolve("coffer.toml").toString(), "--port", Integer.toString(port));
            // Only what this run sets: no AWS settings of the machine leak in.
            builder.environment().clear();
            builder.environment().putAll(TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), stack.s3().endpoint()));
            builder.environment().put("SECRET_KEY", SIGNING_KEY);
            builder.environment().put("COFFER_FILES_MULTIPART_THRESHOLD_BYTES", Integer.toString(5 * MIB));
            builder.environment().put("COFFER_FILES_PART_SIZE_BYTES", Integer.toString(5 * MIB));
            builder.environment().putAll(extraEnv);
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("coffer.log").toFile()));
            process = builder.start();
            awaitReady();
        }

        /** Polls /health/ready until the new process answers 200; fails if it exits or takes too long. */
        void awaitReady() throws InterruptedException {
            Instant deadline = Instant.now().plus(READY_WITHIN);
            Http http = http();
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("coffer exited with " + process.exitValue() + "; see " + dir.resolve("coffer.log"));
                }
                try {
                    if (http.get("/health/ready").status() == 200) {
                        return;
                    }
                } catch (UncheckedIOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);   // polling for readiness, not measuring time
            }
            throw new IllegalStateException("coffer not ready within " + READY_WITHIN + "; see " + dir.resolve("coffer.log"));
        }

        /** SIGKILL: no shutdown hook, no flush, no aborted multipart upload. */
        void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int kills = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        dev.coffer.support.logging.LogSetup.configure(false, "error", java.io.OutputStream.nullOutputStream());
        Report report = run(clients, ops, kills);
        System.out.println(report);
        System.exit(report.clean() ? 0 : 1);
    }
}
