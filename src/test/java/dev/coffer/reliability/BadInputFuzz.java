package dev.coffer.reliability;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.TestCoffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A bounded, seeded fuzz run over every endpoint with raw HTTP/1.1 over a socket (so malformed
 * requests really are malformed): random and broken JSON, invalid UTF-8, huge headers, path
 * tricks, forged and truncated tokens, wrong content types. Every answer must be a 4xx (or a
 * success) with a problem JSON body, never a 5xx, never a hang (no answer within
 * {@link #ANSWER_TIMEOUT_MS}), and never a stack trace. The CI test runs a short run; {@link #main}
 * a long one that also samples the live heap.
 */
final class BadInputFuzz {
    static final long SEED = 20261122L;
    private static final String COLLECTIONS = """
            [collections.notes]
            sort_key = "note_id"
            [[collections.notes.indexes]]
            name = "by-day"
            kind = "local"
            key = "day"
            """;

    /** Every route of the API, with {id} and {path} filled in by the fuzzer. */
    static final List<String[]> ENDPOINTS = List.of(
            new String[] {"GET", "/health"}, new String[] {"GET", "/health/ready"}, new String[] {"GET", "/health/live"},
            new String[] {"POST", "/api/v1/auth/register"}, new String[] {"POST", "/api/v1/auth/login"},
            new String[] {"POST", "/api/v1/auth/refresh"}, new String[] {"POST", "/api/v1/auth/logout"},
            new String[] {"GET", "/api/v1/auth/me"}, new String[] {"PATCH", "/api/v1/auth/me"},
            new String[] {"DELETE", "/api/v1/auth/me"}, new String[] {"POST", "/api/v1/auth/change-password"},
            new String[] {"POST", "/api/v1/collections/notes/items"}, new String[] {"GET", "/api/v1/collections/notes/items"},
            new String[] {"GET", "/api/v1/collections/notes/items/{id}"}, new String[] {"PUT", "/api/v1/collections/notes/items/{id}"},
            new String[] {"PATCH", "/api/v1/collections/notes/items/{id}"},
            new String[] {"DELETE", "/api/v1/collections/notes/items/{id}"},
            new String[] {"PUT", "/api/v1/files/{path}"}, new String[] {"GET", "/api/v1/files/{path}"},
            new String[] {"HEAD", "/api/v1/files/{path}"}, new String[] {"DELETE", "/api/v1/files/{path}"},
            new String[] {"GET", "/api/v1/files"}, new String[] {"POST", "/api/v1/files/presign"});

    private static final String[] PATH_TRICKS = {"a/../../etc/passwd", "%2e%2e/%2e%2e/secret", "..%2f..%2fx", "a//b", "/abs",
        "a\\b", "a%00b", "%c0%ae%c0%ae/x", "a/./b", "caf\u0065\u0301.txt", "x".repeat(1100), "%ff%fe", "ok/file.txt", "%"};
    private static final String[] BODIES = {"", "{", "}", "[]", "null", "42", "\"str\"", "{\"a\":", "{\"email\":1}",
        "{\"email\":\"a@b.c\",\"password\":\"" + "p".repeat(5000) + "\"}", "{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}".repeat(3),
        "{\"user_id\":\"someone-else\"}", "{\"x\":1e999999}", "{\"x\":" + "9".repeat(2000) + "}", "[" + "[".repeat(300) + "]"};
    private static final String[] TOKENS = {"", "Bearer", "Bearer ", "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "Basic dXNlcjpwYXNz", "Bearer " + "A".repeat(9000), "bearer x.y", "Bearer eyJ"};
    private static final String[] TYPES = {"application/json", "text/plain", "application/xml", "multipart/form-data",
        "application/json; charset=latin1", "", "application/json\u0000"};

    static final int ANSWER_TIMEOUT_MS = 30_000;

    /**
     * What happened: answers by status, the requests that broke a rule, live heap after a full GC
     * (MiB) at each fifth of the run, whether Coffer was healthy after, and whether the valid
     * token or the signing key ever reached a log line.
     */
    record Report(int requests, Map<Integer, Integer> statuses, List<String> failures, List<Long> heapAfterGcMiB,
                  boolean healthyAfter, boolean secretLogged) {
    }

    static final String SIGNING_KEY = "fuzz-run-signing-key-0123456789abcdefghijk";

    static Report run(EmbeddedServers stack, int requests, long seed) throws Exception {
        Random random = new Random(seed);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<Long> heap = new ArrayList<>();
        try (LogCapture logs = LogCapture.start();
             var coffer = TestCoffer.start(stack, COLLECTIONS, Map.of("SECRET_KEY", SIGNING_KEY))) {
            String validToken = coffer.tokenFor("fuzz-user");
            int port = coffer.server().port();
            heap.add(liveHeapMiB());
            for (int i = 0; i < requests; i++) {
                String[] endpoint = ENDPOINTS.get(random.nextInt(ENDPOINTS.size()));
                String method = random.nextInt(10) == 0 ? pick(random, new String[] {"OPTIONS", "TRACE", "PUT", "FOO"}) : endpoint[0];
                String path = endpoint[1].replace("{id}", pick(random, PATH_TRICKS)).replace("{path}", pick(random, PATH_TRICKS));
                byte[] body = body(random);
                var headers = new StringBuilder();
                int tokenChoice = random.nextInt(TOKENS.length + 2);
                if (tokenChoice == TOKENS.length) {
                    headers.append("Authorization: Bearer ").append(validToken).append("\r\n");
                } else if (tokenChoice == TOKENS.length + 1) {
                    headers.append("Authorization: Bearer ").append(validToken, 0, validToken.length() - 5).append("\r\n");
                } else if (!TOKENS[tokenChoice].isEmpty()) {
                    headers.append("Authorization: ").append(TOKENS[tokenChoice]).append("\r\n");
                }
                String type = pick(random, TYPES);
                if (!type.isEmpty()) {
                    headers.append("Content-Type: ").append(type).append("\r\n");
                }
                if (random.nextInt(20) == 0) {
                    headers.append("X-Huge: ").append("h".repeat(20_000 + random.nextInt(20_000))).append("\r\n");
                }
                if (random.nextInt(15) == 0) {
                    headers.append("X-Coffer-User: ").append(pick(random, new String[] {"other-user", "", "../x", "u".repeat(500)}))
                            .append("\r\n");
                }
                String response;
                try {
                    response = send(port, method, path, headers.toString(), body);
                } catch (SocketTimeoutException hang) {
                    failures.add(method + " " + abbreviate(path) + " -> no answer within " + ANSWER_TIMEOUT_MS + " ms");
                    continue;
                }
                int status = status(response);
                statuses.merge(status, 1, Integer::sum);
                boolean problemJson = status < 400 || response.toLowerCase(java.util.Locale.ROOT)
                        .contains("content-type: application/problem+json");
                if (status < 100 || status >= 500 || !problemJson || response.contains("Exception")
                        || response.contains("at dev.coffer") || response.contains(SIGNING_KEY)) {
                    failures.add(method + " " + abbreviate(path) + " -> " + abbreviate(response));
                }
                if ((i + 1) % Math.max(1, requests / 5) == 0) {
                    heap.add(liveHeapMiB());
                }
            }
            boolean healthy = coffer.http().get("/health").status() == 200;
            String logged = logs.text();
            return new Report(requests, statuses, failures, heap, healthy,
                    logged.contains(validToken) || logged.contains(SIGNING_KEY));
        }
    }

    /** Live heap of this JVM (Coffer, the embedded servers and the fuzzer) after a full collection. */
    private static long liveHeapMiB() {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }

    private static byte[] body(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> new byte[0];
            case 1 -> pick(random, BODIES).getBytes(StandardCharsets.UTF_8);
            case 2 -> {
                byte[] junk = new byte[random.nextInt(2048)];
                random.nextBytes(junk);
                yield junk;
            }
            default -> ("{\"name\":\"" + new String(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, StandardCharsets.ISO_8859_1)
                    + "\"}").getBytes(StandardCharsets.ISO_8859_1);
        };
    }

    private static String send(int port, String method, String path, String headers, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            String head = method + " " + (path.startsWith("/") ? path : "/" + path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + headers + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException answeredEarly) {
                // The server may answer (e.g. 401, 413) and close before reading the whole body.
            }
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
        }
    }

    private static int status(String response) {
        if (!response.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** {@code ./reliability/run fuzz [requests] [seed]}: a long run, printed; exit 1 when a rule broke. */
    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : SEED;
        // Quiet console: the run's own capture still records everything for the secrets check.
        dev.coffer.support.logging.LogSetup.configure(false, "error", java.io.OutputStream.nullOutputStream());
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("fuzz run")) {
            Report report = run(stack, requests, seed);
            dev.coffer.support.logging.LogSetup.configure(false, "error");
            System.out.println(report);
            System.exit(report.failures().isEmpty() && report.healthyAfter() && !report.secretLogged() ? 0 : 1);
        }
    }
}
