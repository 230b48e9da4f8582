package dev.coffer.reliability;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N clients create, read and delete items and files while the harness stops and restarts the
 * embedded S3Proxy and DynamoDB Local (on disk, so data survives). Outages are driven by counts,
 * not clocks: a backend goes down after a number of successful operations and comes back after a
 * number of refused ones. Afterwards every acknowledged write must read back intact.
 */
final class LoadWithFaults {
    /**
     * What happened. {@code violations} lists answers that broke the rules (5xx other than 503,
     * 503 without a retry hint); {@code leaks} where a secret (signing key, AWS secret key, a
     * client's token) showed up in a response or a log line.
     */
    record Report(long operations, Map<Integer, Long> statuses, int ackedItems, int ackedFiles, int lostItems, int lostFiles,
                  int outages, List<String> violations, List<String> leaks, boolean healthyAfter) {
    }

    static final String SIGNING_KEY = "reliability-signing-key-0123456789abcdefghij";

    static Report run(int clients, int operationsPerClient, int outagesEach) throws Exception {
        Path data = Files.createTempDirectory("coffer-reliability");
        try (LogCapture logs = LogCapture.start();
             EmbeddedServers stack = EmbeddedServers.onDisk(data).start("reliability run");
             var coffer = TestCoffer.start(stack, "[collections.notes]\ntable = \"rel-notes\"\n", Map.of("SECRET_KEY", SIGNING_KEY))) {
            Http http = coffer.http();
            Set<String> ackedItems = ConcurrentHashMap.newKeySet();
            var itemText = new ConcurrentHashMap<String, String>();
            var ackedFiles = new ConcurrentHashMap<String, String>();
            var statuses = new ConcurrentHashMap<Integer, AtomicLong>();
            var violations = java.util.Collections.synchronizedList(new ArrayList<String>());
            var leaks = java.util.Collections.synchronizedList(new ArrayList<String>());
            var successes = new AtomicInteger();
            var refusals = new AtomicInteger();
            var outages = new AtomicInteger();
            var done = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            String[] tokens = new String[clients];
            for (int c = 0; c < clients; c++) {
                tokens[c] = coffer.tokenFor("rel-user-" + c);
            }
            var secrets = new ArrayList<String>(List.of(SIGNING_KEY, EmbeddedServers.SECRET_ACCESS_KEY));
            secrets.addAll(List.of(tokens));
            Thread faults = Thread.ofVirtual().start(() -> {
                try {
                    for (int round = 0; round < outagesEach; round++) {
                        for (boolean s3 : new boolean[] {true, false}) {
                            awaitCount(successes, successes.get() + 40, done);
                            if (s3) {
                                stack.s3().stop();
                            } else {
                                stack.dynamoDb().stop();
                            }
                            outages.incrementAndGet();
                            awaitCount(refusals, refusals.get() + 10, done);
                            if (s3) {
                                stack.s3().start();
                            } else {
                                stack.dynamoDb().start();
                            }
                        }
                    }
                } catch (Exception e) {
                    violations.add("fault thread: " + e);
                }
            });
            for (int c = 0; c < clients; c++) {
                String token = tokens[c];
                int client = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    var mine = new ArrayList<String>();
                    for (int i = 0; i < operationsPerClient; i++) {
                        Http.Response r;
                        switch (i % 4) {
                            case 0 -> {
                                String text = "c" + client + "-" + i;
                                r = http.request("POST", "/api/v1/collections/notes/items").bearer(token).json(Map.of("text", text)).send();
                                if (r.status() == 201) {
                                    String id = client + "/" + r.json().path("id").asText();
                                    ackedItems.add(id);
                                    itemText.put(id, text);
                                    mine.add(id);
                                }
                            }
                            case 1 -> {
                                String path = "f/" + i + ".txt";
                                String body = "file " + client + " " + i;
                                r = http.request("PUT", "/api/v1/files/" + path).bearer(token)
                                        .body(body.getBytes(StandardCharsets.UTF_8), "text/plain").send();
                                if (r.status() == 200) {
                                    ackedFiles.put(client + "/" + path, body);
                                }
                            }
                            case 2 -> {
                                String id = mine.isEmpty() ? "none" : mine.get(mine.size() - 1).split("/")[1];
                                r = http.get("/api/v1/collections/notes/items/" + id, token);
                            }
                            default -> {
                                if (mine.size() > 2) {
                                    String victim = mine.remove(0);
                                    r = http.request("DELETE", "/api/v1/collections/notes/items/" + victim.split("/")[1]).bearer(token).send();
                                    if (r.status() == 204 || r.status() == 404) {
                                        ackedItems.remove(victim);
                                    } else {
                                        mine.add(0, victim);
                                    }
                                } else {
                                    r = http.get("/api/v1/files?limit=5", token);
                                }
                            }
                        }
                        statuses.computeIfAbsent(r.status(), k -> new AtomicLong()).incrementAndGet();
                        String answer = r.raw().headers().map() + " " + r.body();
                        if (secrets.stream().anyMatch(answer::contains)) {
                            leaks.add("a secret in the answer to operation " + client + "/" + i);
                        }
                        if (r.status() < 400) {
                            successes.incrementAndGet();
                        } else if (r.status() == 503) {
                            refusals.incrementAndGet();
                            boolean hinted = r.header("Retry-After").isPresent() && r.body().contains("\"code\"");
                            if (!hinted) {
                                violations.add("503 without Retry-After/problem: " + r.body());
                            }
                        } else if (r.status() >= 500) {
                            violations.add(r.status() + " " + r.body());
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            // Let the fault thread finish its current outage so the check runs with both backends up.
            done.set(true);
            faults.join();
            stack.s3().start();
            stack.dynamoDb().start();
            int lostItems = 0;
            for (String id : Set.copyOf(ackedItems)) {
                String[] parts = id.split("/");
                Http.Response r = http.get("/api/v1/collections/notes/items/" + parts[1], tokens[Integer.parseInt(parts[0])]);
                if (r.status() != 200 || !r.json().path("text").asText().equals(itemText.get(id))) {
                    lostItems++;
                }
            }
            int lostFiles = 0;
            for (var file : ackedFiles.entrySet()) {
                String[] parts = file.getKey().split("/", 2);
                Http.Response r = http.get("/api/v1/files/" + parts[1], tokens[Integer.parseInt(parts[0])]);
                if (r.status() != 200 || !r.body().equals(file.getValue())) {
                    lostFiles++;
                }
            }
            var counted = new TreeMap<Integer, Long>();
            statuses.forEach((k, v) -> counted.put(k, v.get()));
            long total = counted.values().stream().mapToLong(Long::longValue).sum();
            boolean healthy = http.get("/health").status() == 200;
            String logged = logs.text();
            if (secrets.stream().anyMatch(logged::contains)) {
                leaks.add("a secret in the log");
            }
            return new Report(total, counted, ackedItems.size(), ackedFiles.size(), lostItems, lostFiles, outages.get(),
                    List.copyOf(violations), List.copyOf(leaks), healthy);
        }
    }

    private static void awaitCount(AtomicInteger counter, int target, java.util.concurrent.atomic.AtomicBoolean done)
            throws InterruptedException {
        while (counter.get() < target && !done.get()) {
            Thread.onSpinWait();
            Thread.sleep(1);   // yielding while waiting for traffic, not measuring time
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        // Quiet console: the run's own capture still records everything for the secrets check.
        dev.coffer.support.logging.LogSetup.configure(false, "error", java.io.OutputStream.nullOutputStream());
        Report report = run(clients, ops, rounds);
        System.out.println(report);
        System.exit(report.violations().isEmpty() && report.leaks().isEmpty() && report.lostItems() == 0 && report.lostFiles() == 0 && report.healthyAfter() ? 0 : 1);
    }
}
