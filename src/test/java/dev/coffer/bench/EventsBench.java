package dev.coffer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import dev.coffer.testing.SseClient;
import dev.coffer.testing.TestCoffer;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Live updates, measured: (1) delivery latency, from the moment a write is acknowledged to the
 * moment a subscriber on another instance has the event, for {@code writes} sequential writes, at
 * the default poll interval and at 100 ms; (2) SSE connections held by one instance and the live
 * heap they cost (after GC, measured in this JVM: the clients are bare sockets that send the
 * request and never read, so almost all of the difference is the server's).
 *
 * <pre>./bench/events [writes] [connections]      default 200 2000</pre>
 */
public final class EventsBench {
    private EventsBench() {
    }

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        dev.coffer.support.logging.LogSetup.configure(false, "error", OutputStream.nullOutputStream());
        System.out.printf("load average before: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("events bench")) {
            for (String poll : List.of("1s", "100ms")) {
                latency(stack, poll, writes);
            }
            connections(stack, connections);
        }
        System.out.printf("load average after: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.exit(0);
    }

    private static String toml() {
        return "[collections.notes]\ntable = \"bench-notes-" + System.nanoTime() + "\"\n";
    }

    private static void latency(EmbeddedServers stack, String poll, int writes) throws Exception {
        Map<String, String> env = dev.coffer.testing.SharedTables.env(Map.of("COFFER_EVENTS_POLL_INTERVAL", poll));
        String toml = toml();
        try (TestCoffer writer = TestCoffer.start(stack, toml, env); TestCoffer reader = TestCoffer.start(stack, toml, env)) {
            String token = writer.tokenFor("bench-user");
            var http = new dev.coffer.testing.Http(URI.create("http://127.0.0.1:" + writer.server().port() + "/"));
            try (SseClient events = SseClient.open(URI.create("http://127.0.0.1:" + reader.server().port() + "/"),
                    "/api/v1/collections/notes/events", token, null)) {
                events.next();
                long[] micros = new long[writes];
                for (int i = 0; i < writes; i++) {
                    http.request("POST", "/api/v1/collections/notes/items").bearer(token).json(Map.of("id", "w" + i)).send();
                    long acknowledged = System.nanoTime();
                    JsonNode data = Json.mapper().readTree(events.nextChanges(1).getFirst().data());
                    micros[i] = (System.nanoTime() - acknowledged) / 1000;
                    if (!data.path("id").asText().equals("w" + i)) {
                        throw new IllegalStateException("out of order: " + data);
                    }
                }
                Arrays.sort(micros);
                System.out.printf("delivery write->subscriber on another instance, poll %s, %d writes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        poll, writes, micros[writes / 2] / 1000.0, micros[(int) Math.min(writes - 1, Math.ceil(writes * 0.99) - 1)] / 1000.0,
                        micros[writes - 1] / 1000.0);
            }
        }
    }

    private static void connections(EmbeddedServers stack, int count) throws Exception {
        Map<String, String> env = dev.coffer.testing.SharedTables.env(Map.of("COFFER_EVENTS_MAX_STREAMS", Integer.toString(count),
                "COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(count + 100)));
        try (TestCoffer coffer = TestCoffer.start(stack, toml(), env)) {
            String token = coffer.tokenFor("bench-subscriber");
            long before = liveHeap();
            var sockets = new ArrayList<Socket>();
            byte[] request = ("GET /api/v1/collections/notes/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < count; i++) {
                var socket = new Socket("127.0.0.1", coffer.server().port());
                socket.getOutputStream().write(request);
                sockets.add(socket);
            }
            // Every stream answered: its status line and first event are in.
            int open = 0;
            for (Socket socket : sockets) {
                InputStream in = socket.getInputStream();
                byte[] head = in.readNBytes(12);
                if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
                    open++;
                }
            }
            long after = liveHeap();
            int threads = Thread.activeCount();
            System.out.printf("SSE connections held by one instance: %d of %d open; live heap %.1f MiB -> %.1f MiB, %.1f KiB per connection "
                    + "(server and bare client sockets); platform threads in this JVM: %d%n", open, count, before / 1048576.0,
                    after / 1048576.0, (after - before) / 1024.0 / count, threads);
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);   // letting the collector finish, not measuring
        }
        var memory = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return memory.getUsed();
    }
}
