package dev.coffer.reliability;

import dev.coffer.auth.AccessTokens;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Secret;
import dev.coffer.testing.Http;
import dev.coffer.testing.Nginx;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The multi-instance variant of the load-with-faults run (issue 18): N Coffer instances, each its
 * own JVM in remote mode against one DynamoDB Local and S3Proxy, behind a real nginx round-robin.
 * Clients create items with ids they choose and upload small files through the balancer; once a
 * third of the writes are in, one instance is killed with SIGKILL and stays dead while the load
 * goes on. A client retries an attempt that got no answer or a 502/503/504 with the same id (a
 * create is idempotent by id: a 409 on a retry means an earlier attempt landed; a file PUT is
 * idempotent by path).
 *
 * <p>A write is acknowledged when the client saw 201 (item) or 200 (file), or 409 on a retry of
 * the same id. Afterwards every acknowledged write must read back intact through the balancer, and
 * every acknowledged item must be in the DynamoDB table itself: {@code lost} counts those that are
 * not and must be zero.
 */
final class KillBehindBalancer {
    /**
     * What happened. {@code clientErrors} are the attempts answered by neither a success nor a
     * 4xx (502s and missing answers, all of them retried); {@code recoveryMillis} runs from the kill
     * to the last such error (0 if the clients saw none); {@code lostInTable} are acknowledged items
     * missing from DynamoDB itself.
     */
    record Report(int instances, long writes, Map<String, Long> attempts, int ackedItems, int ackedFiles, int clientErrors,
                  long recoveryMillis, int lost, int lostInTable, boolean killed, List<String> violations) {
        boolean clean() {
            return killed && lost == 0 && lostInTable == 0 && violations.isEmpty();
        }
    }

    private static final int MAX_ATTEMPTS = 50;
    private static final int FILE_SIZE = 4096;

    /** On its own in-memory stack (the harness from the command line). */
    static Report run(int instances, int clients, int writesPerClient) throws Exception {
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("kill behind balancer")) {
            return run(stack, instances, clients, writesPerClient);
        }
    }

    /** On {@code stack} (shared with other tests: the table name is this run's own). */
    static Report run(EmbeddedServers stack, int instances, int clients, int writesPerClient) throws Exception {
        String table = "kill-lb-" + UUID.randomUUID().toString().substring(0, 8);
        var children = new ArrayList<KillCoffer.Child>();
        Nginx nginx = null;
        try {
            for (int i = 0; i < instances; i++) {
                Path dir = Files.createTempDirectory("coffer-kill-lb-" + i + "-");
                // One after the other: the first creates the table, the rest find it.
                var child = new KillCoffer.Child(stack, dir, table, Map.of("COFFER_SERVER_TRUSTED_PROXIES", "127.0.0.1/32"));
                children.add(child);
                child.start();
            }
            nginx = Nginx.start(children.stream().map(KillCoffer.Child::port).toList());
            return drive(stack, table, nginx.http(), children, clients, writesPerClient);
        } finally {
            if (nginx != null) {
                nginx.close();
            }
            for (var child : children) {
                child.kill();
            }
        }
    }

    private static Report drive(EmbeddedServers stack, String table, Http http, List<KillCoffer.Child> children, int clients,
                                int writesPerClient) throws Exception {
        var tokens = new AccessTokens(Secret.of(KillCoffer.SIGNING_KEY), Duration.ofHours(1), Clock.systemUTC());
        var ackedItems = ConcurrentHashMap.<String>newKeySet();   // client/id
        var ackedFiles = ConcurrentHashMap.<String>newKeySet();   // client/path
        var attempts = new ConcurrentHashMap<String, AtomicLong>();
        var violations = java.util.Collections.synchronizedList(new ArrayList<String>());
        var acknowledged = new AtomicInteger();
        var clientErrors = new AtomicInteger();
        var killedAt = new AtomicLong();
        var lastErrorAt = new AtomicLong();
        int total = clients * writesPerClient;

        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            String token = tokens.issue(new UserId(user(client)));
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < writesPerClient; i++) {
                    boolean file = i % 4 == 3;
                    String name = file ? "lb/" + i + ".bin" : "c" + client + "-" + i;
                    boolean done = false;
                    for (int attempt = 1; attempt <= MAX_ATTEMPTS && !done; attempt++) {
                        String outcome;
                        try {
                            Http.Response r = file
                                    ? http.request("PUT", "/api/v1/files/" + name).bearer(token)
                                            .body(KillCoffer.content(name, FILE_SIZE), "application/octet-stream").send()
                                    : http.request("POST", "/api/v1/collections/notes/items").bearer(token)
                                            .json(Map.of("id", name, "client", client, "n", i)).send();
                            outcome = Integer.toString(r.status());
                        } catch (UncheckedIOException e) {
                            outcome = "no answer";
                        }
                        attempts.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                        boolean acked = file ? outcome.equals("200") : outcome.equals("201") || attempt > 1 && outcome.equals("409");
                        if (acked) {
                            (file ? ackedFiles : ackedItems).add(client + "/" + name);
                            acknowledged.incrementAndGet();
                            done = true;
                        } else if (outcome.equals("no answer") || outcome.equals("502") || outcome.equals("503") || outcome.equals("504")) {
                            clientErrors.incrementAndGet();
                            lastErrorAt.accumulateAndGet(System.nanoTime(), Math::max);
                            pause();   // pacing the retry, not measuring anything
                        } else {
                            violations.add("client " + client + " write " + name + " attempt " + attempt + ": " + outcome);
                            done = true;
                        }
                    }
                    if (!done) {
                        violations.add("client " + client + " write " + name + ": no acknowledgement in " + MAX_ATTEMPTS + " attempts");
                    }
                }
            }));
        }
        // Killed once a third of the writes are acknowledged: counted, not timed.
        KillCoffer.Child victim = children.get(children.size() - 1);
        boolean killed = false;
        while (acknowledged.get() < total / 3 && threads.stream().anyMatch(Thread::isAlive)) {
            pause();
        }
        if (acknowledged.get() < total) {
            killedAt.set(System.nanoTime());
            victim.kill();
            killed = true;
        }
        for (Thread t : threads) {
            t.join();
        }

        int lost = 0;
        for (String key : ackedItems) {
            String[] parts = key.split("/", 2);
            Http.Response r = http.get("/api/v1/collections/notes/items/" + parts[1], tokens.issue(new UserId(user(Integer.parseInt(parts[0])))));
            if (r.status() != 200 || !r.json().path("client").asText().equals(parts[0])) {
                lost++;
            }
        }
        for (String key : ackedFiles) {
            String[] parts = key.split("/", 2);
            Http.Response r = http.get("/api/v1/files/" + parts[1], tokens.issue(new UserId(user(Integer.parseInt(parts[0])))));
            if (r.status() != 200 || !Arrays.equals(r.bytes(), KillCoffer.content(parts[1], FILE_SIZE))) {
                lost++;
            }
        }
        int lostInTable = 0;
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY))
                .build()) {
            for (String key : ackedItems) {
                String[] parts = key.split("/", 2);
                var item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                        "user_id", AttributeValue.fromS(user(Integer.parseInt(parts[0]))), "id", AttributeValue.fromS(parts[1]))));
                if (!item.hasItem() || item.item().isEmpty()) {
                    lostInTable++;
                }
            }
        }
        long recovery = killed && lastErrorAt.get() > killedAt.get() ? (lastErrorAt.get() - killedAt.get()) / 1_000_000 : 0;
        var counted = new TreeMap<String, Long>();
        attempts.forEach((k, v) -> counted.put(k, v.get()));
        return new Report(children.size(), total, counted, ackedItems.size(), ackedFiles.size(), clientErrors.get(), recovery, lost,
                lostInTable, killed, List.copyOf(violations));
    }

    private static String user(int client) {
        return "kill-lb-user-" + client;
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int writes = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        dev.coffer.support.logging.LogSetup.configure(false, "error", java.io.OutputStream.nullOutputStream());
        Report report = run(instances, clients, writes);
        System.out.println(report);
        System.exit(report.clean() ? 0 : 1);
    }
}
