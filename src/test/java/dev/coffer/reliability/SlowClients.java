package dev.coffer.reliability;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.TestCoffer;
import dev.coffer.testing.Trickle;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 14, measured: how a normal client fares while many connections send a login body at one
 * byte per second. Coffer runs with its production defaults on the embedded default; a normal
 * client asks for {@code /health/live}, {@code /health/ready} and one record, one request after
 * another, first alone (after a warm-up) and then throughout the waves of trickling connections (each wave opens
 * them all, lets them run until the server ends them or the wave's time is up, then closes what
 * is left). A request not answered within {@link #CLIENT_TIMEOUT} counts as no answer.
 *
 * <p>{@code ./reliability/run slow [tricklers] [addresses] [waves] [wave-seconds]}, default
 * 600 1 2 30: the trickling connections come from 127.0.1.1 up to 127.0.1.{addresses}.
 */
final class SlowClients {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration BASELINE = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final String TOML = "[collections.notes]\n";
    private static final String LOGIN_TRICKLE = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n";

    /** Statuses (0: no answer in time) and latencies of one kind of request. */
    private static final class Kind {
        final String name;
        final Map<Integer, Integer> statuses = new TreeMap<>();
        final List<Long> nanos = new ArrayList<>();

        Kind(String name) {
            this.name = name;
        }

        void add(int status, long tookNanos) {
            statuses.merge(status, 1, Integer::sum);
            nanos.add(tookNanos);
        }

        @Override
        public String toString() {
            List<Long> sorted = nanos.stream().sorted().toList();
            return name + ": " + sorted.size() + " requests, statuses " + statuses + ", ms p50 " + ms(percentile(sorted, 50))
                    + " p99 " + ms(percentile(sorted, 99)) + " max " + ms(sorted.isEmpty() ? 0 : sorted.getLast());
        }
    }

    public static void main(String[] args) throws Exception {
        int tricklers = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int addresses = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int waves = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Duration wave = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 30);
        dev.coffer.support.logging.LogSetup.configure(false, "error", java.io.OutputStream.nullOutputStream());
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("slow clients run");
             // Production's health cache (tests turn it off): /health/ready is then what an orchestrator sees.
             TestCoffer coffer = TestCoffer.start(stack, TOML, Map.of("COFFER_HEALTH_CACHE_TTL", "2s"))) {
            URI base = URI.create("http://127.0.0.1:" + coffer.server().port());
            String token = coffer.tokenFor("slow-clients-bench-user");
            HttpClient client = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();
            String item = created(client, base, token);

            normalClient(client, base, token, item, () -> sleepFor(WARM_UP));
            List<Kind> alone = normalClient(client, base, token, item, () -> sleepFor(BASELINE));
            var endings = new TreeMap<Integer, Integer>();
            var held = new ArrayList<Long>();
            int[] leftOpen = {0};
            List<InetAddress> from = Trickle.loopbackAddresses(1, addresses);
            List<Kind> attacked = normalClient(client, base, token, item, () -> {
                for (int w = 0; w < waves; w++) {
                    try (Trickle trickle = Trickle.start(coffer.server().port(), from, tricklers / addresses, LOGIN_TRICKLE, " ", TICK)) {
                        List<Trickle.Ending> ended = trickle.endingsWithin(wave);
                        for (Trickle.Ending e : ended) {
                            endings.merge(e.status(), 1, Integer::sum);
                            held.add(e.held().toNanos());
                        }
                        leftOpen[0] += trickle.size() - ended.size();
                    }
                }
            });
            List<Long> sortedHeld = held.stream().sorted().toList();
            System.out.println("tricklers: " + tricklers + " from " + addresses + " address(es), " + waves + " waves of " + wave.toSeconds()
                    + " s, one byte per " + TICK.toMillis() + " ms");
            System.out.println("normal client alone:");
            alone.forEach(k -> System.out.println("  " + k));
            System.out.println("normal client during the waves:");
            attacked.forEach(k -> System.out.println("  " + k));
            System.out.println("trickling connections ended by the server: " + endings + " (0: closed unanswered); held ms p50 "
                    + ms(percentile(sortedHeld, 50)) + " max " + ms(sortedHeld.isEmpty() ? 0 : sortedHeld.getLast())
                    + "; still open at the end of their wave: " + leftOpen[0]);
        }
        System.exit(0);
    }

    /** Runs the normal client (one request after another, round robin) for as long as {@code during} runs. */
    private static List<Kind> normalClient(HttpClient client, URI base, String token, String item, ThrowingRunnable during)
            throws Exception {
        List<Kind> kinds = List.of(new Kind("GET /health/live"), new Kind("GET /health/ready"), new Kind("GET record"));
        List<String> paths = List.of("/health/live", "/health/ready", "/api/v1/collections/notes/items/" + item);
        var stop = new AtomicBoolean();
        Thread loop = Thread.ofPlatform().name("normal-client").start(() -> {
            for (int i = 0; !stop.get(); i = (i + 1) % kinds.size()) {
                var request = HttpRequest.newBuilder(base.resolve(paths.get(i))).timeout(CLIENT_TIMEOUT)
                        .header("Authorization", "Bearer " + token).build();
                long started = System.nanoTime();
                int status;
                try {
                    status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (Exception e) {
                    status = 0;
                }
                kinds.get(i).add(status, System.nanoTime() - started);
            }
        });
        try {
            during.run();
        } finally {
            stop.set(true);
            loop.join();
        }
        return kinds;
    }

    private static String created(HttpClient client, URI base, String token) throws Exception {
        var request = HttpRequest.newBuilder(base.resolve("/api/v1/collections/notes/items"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hello\"}")).build();
        String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return dev.coffer.support.Json.mapper().readTree(body).path("id").asText();
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void sleepFor(Duration duration) throws InterruptedException {
        // A fixed stretch of the normal client's own load, for comparison: what is measured is its requests.
        Thread.sleep(duration);
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
