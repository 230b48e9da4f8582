package dev.coffer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.auth.Auth;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.Nginx;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.SharedTables;
import dev.coffer.testing.SseClient;
import dev.coffer.testing.TestCoffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coffer as deployed: three instances on the same DynamoDB Local and S3Proxy (started once, outside
 * them) behind a real nginx on loopback, round-robin. Login limits trip at the configured count
 * whichever instance answers; a token revoked through one instance fails on all of them within the
 * revocation bound; an event stream through the balancer carries every write made through any
 * instance, in order per item, and none is lost when the instance holding the stream is stopped
 * and the client reconnects with Last-Event-ID; and no acknowledged write is lost when an instance
 * stops in the middle of a write load.
 */
@ExtendWith(SharedEmbeddedServers.class)
class BehindBalancerTest {
    private static final int MAX_FAILURES = 4;

    /** Three instances of one deployment behind nginx; closing stops all. */
    private static final class Deployment implements AutoCloseable {
        final List<TestCoffer> instances = new ArrayList<>();
        final List<Boolean> running = new ArrayList<>();
        final MutableClock clock = MutableClock.atNow();
        final Nginx nginx;
        final Http http;

        Deployment(EmbeddedServers stack) {
            String toml = "[collections.notes]\ntable = \"t-lb-" + UUID.randomUUID().toString().substring(0, 8) + "\"\n";
            Map<String, String> env = SharedTables.env(Map.of("COFFER_AUTH_LOGIN_MAX_FAILURES", Integer.toString(MAX_FAILURES),
                    "COFFER_SERVER_TRUSTED_PROXIES", "127.0.0.1/32", "COFFER_EVENTS_POLL_INTERVAL", "100ms"));
            for (int i = 0; i < 3; i++) {
                instances.add(TestCoffer.start(stack, toml, env, clock));
                running.add(true);
            }
            nginx = Nginx.start(instances.stream().map(c -> c.server().port()).toList());
            http = nginx.http();
        }

        /** Stops the instance listening on {@code port} (the balancer finds out on its next connection). */
        void stop(int port) throws Exception {
            for (int i = 0; i < instances.size(); i++) {
                if (instances.get(i).server().port() == port && running.get(i)) {
                    instances.get(i).close();
                    running.set(i, false);
                    return;
                }
            }
            throw new IllegalArgumentException("no running instance on port " + port);
        }

        @Override
        public void close() throws Exception {
            nginx.close();
            for (int i = 0; i < instances.size(); i++) {
                if (running.get(i)) {
                    instances.get(i).close();
                }
            }
        }
    }

    private static int portOf(String upstream) {
        // "127.0.0.1:PORT", or after a failed try "127.0.0.1:A, 127.0.0.1:B": the last one answered.
        String last = upstream.substring(upstream.lastIndexOf(' ') + 1);
        return Integer.parseInt(last.substring(last.lastIndexOf(':') + 1));
    }

    private static String login(Deployment d, String email, String password) {
        Http.Response r = d.http.request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", password)).send();
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    @Test
    void loginLimit_tripsAtTheConfiguredCount_whicheverInstanceAnswers(EmbeddedServers stack) throws Exception {
        try (var d = new Deployment(stack)) {
            d.http.request("POST", "/api/v1/auth/register").json(Map.of("email", "lb@example.com", "password", "right-password")).send();
            var answeredBy = new java.util.HashSet<String>();
            for (int i = 0; i < MAX_FAILURES; i++) {
                Http.Response r = d.http.request("POST", "/api/v1/auth/login").json(Map.of("email", "lb@example.com", "password", "no-" + i)).send();
                assertThat(r.status()).isEqualTo(401);
                answeredBy.add(r.header("X-Upstream").orElseThrow());
            }
            // Round-robin spread the failures over all three: none of them saw the limit's count alone.
            assertThat(answeredBy).hasSize(3);
            for (int i = 0; i < 3; i++) {
                Http.Response r = d.http.request("POST", "/api/v1/auth/login").json(Map.of("email", "lb@example.com", "password", "right-password")).send();
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.json().path("code").asText()).isEqualTo("rate_limited");
            }
        }
    }

    @Test
    void tokenRevokedThroughOneInstance_failsOnAllWithinTheBound(EmbeddedServers stack) throws Exception {
        try (var d = new Deployment(stack)) {
            d.http.request("POST", "/api/v1/auth/register").json(Map.of("email", "rv@example.com", "password", "right-password")).send();
            JsonNode tokens = Json.mapper().readTree(login(d, "rv@example.com", "right-password"));
            String access = tokens.path("access_token").asText();
            var seen = new java.util.HashSet<String>();
            for (int i = 0; i < 3; i++) {
                Http.Response me = d.http.request("GET", "/api/v1/auth/me").bearer(access).send();
                assertThat(me.status()).isEqualTo(200);
                seen.add(me.header("X-Upstream").orElseThrow());
            }
            assertThat(seen).hasSize(3);
            assertThat(d.http.request("POST", "/api/v1/auth/logout").json(Map.of("refresh_token", tokens.path("refresh_token").asText()))
                    .send().status()).isEqualTo(204);
            d.clock.advance(Auth.REVOCATION_BOUND);
            for (int i = 0; i < 3; i++) {
                assertThat(d.http.request("GET", "/api/v1/auth/me").bearer(access).send().status()).isEqualTo(401);
            }
        }
    }

    @Test
    void eventStreamThroughTheBalancer_getsEveryWrite_inOrderPerItem_acrossAnInstanceStopping(EmbeddedServers stack) throws Exception {
        try (var d = new Deployment(stack)) {
            String user = "lb-" + UUID.randomUUID();
            String token = d.instances.getFirst().tokenFor(user);
            String other = d.instances.getFirst().tokenFor("lb-other-" + UUID.randomUUID());
            var expected = new LinkedHashMap<String, List<String>>();
            var received = new LinkedHashMap<String, List<String>>();
            String lastId;
            int holding;
            try (SseClient events = SseClient.open(d.nginx.uri(), "/api/v1/collections/notes/events", token, null)) {
                assertThat(events.status()).isEqualTo(200);
                holding = portOf(events.header("X-Upstream").orElseThrow());
                assertThat(events.next().name()).isEqualTo("ready");
                write(d, token, other, expected, 0, 4);
                lastId = receive(events, 12, received);
                d.stop(holding);
                assertThat(events.endedAfterDraining()).isTrue();
            }
            // Written while the client is away, through the two instances left.
            write(d, token, other, expected, 4, 8);
            try (SseClient resumed = SseClient.open(d.nginx.uri(), "/api/v1/collections/notes/events", token, lastId)) {
                assertThat(resumed.status()).isEqualTo(200);
                assertThat(portOf(resumed.header("X-Upstream").orElseThrow())).isNotEqualTo(holding);
                assertThat(resumed.next().name()).isEqualTo("ready");
                receive(resumed, 12, received);
            }
            assertThat(received).isEqualTo(expected);
        }
    }

    /** Items {@code from..to-1}: create, update, delete each (through whichever instance), and one write of another user. */
    private static void write(Deployment d, String token, String other, Map<String, List<String>> expected, int from, int to) {
        for (int i = from; i < to; i++) {
            String id = "item-" + i;
            assertThat(d.http.request("POST", "/api/v1/collections/notes/items").bearer(token).json(Map.of("id", id, "n", 0)).send().status())
                    .isEqualTo(201);
            assertThat(d.http.request("PATCH", "/api/v1/collections/notes/items/" + id).bearer(token).json(Map.of("n", 1)).send().status())
                    .isEqualTo(200);
            assertThat(d.http.request("DELETE", "/api/v1/collections/notes/items/" + id).bearer(token).send().status()).isEqualTo(204);
            d.http.request("POST", "/api/v1/collections/notes/items").bearer(other).json(Map.of("id", "theirs-" + i)).send();
            expected.put(id, List.of("create", "update", "delete"));
        }
    }

    /** Reads {@code count} change events into {@code received} (per item, in arrival order); returns the last id. */
    private static String receive(SseClient events, int count, Map<String, List<String>> received) throws Exception {
        String last = null;
        for (SseClient.Event e : events.nextChanges(count)) {
            JsonNode data = Json.mapper().readTree(e.data());
            received.computeIfAbsent(data.path("id").asText(), k -> new ArrayList<>()).add(data.path("type").asText());
            last = e.id();
        }
        return last;
    }

    @Test
    void writeLoad_oneInstanceStoppedMidRun_noAcknowledgedWriteLost(EmbeddedServers stack) throws Exception {
        try (var d = new Deployment(stack)) {
            int clients = 4;
            int perClient = 40;
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            var done = new AtomicInteger();
            var statuses = new java.util.concurrent.ConcurrentHashMap<Integer, AtomicInteger>();
            String token = d.instances.getFirst().tokenFor("load-" + UUID.randomUUID());
            var threads = new ArrayList<Thread>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < perClient; i++) {
                        String id = "c" + client + "-" + i;
                        Http.Response r = d.http.request("POST", "/api/v1/collections/notes/items").bearer(token)
                                .json(Map.of("id", id, "client", client)).send();
                        statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (r.status() == 201) {
                            acknowledged.add(id);
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            // Stopped once a third of the writes are in: counted, not timed.
            while (done.get() < clients * perClient / 3) {
                Thread.onSpinWait();
            }
            d.stop(d.instances.get(1).server().port());
            for (Thread t : threads) {
                t.join();
            }
            var lost = new ArrayList<String>();
            for (String id : acknowledged) {
                if (d.http.request("GET", "/api/v1/collections/notes/items/" + id).bearer(token).send().status() != 200) {
                    lost.add(id);
                }
            }
            System.out.println("behind balancer, one of three instances stopped: " + clients * perClient + " writes, statuses "
                    + statuses + ", acknowledged " + acknowledged.size() + ", lost " + lost.size());
            assertThat(lost).isEmpty();
            assertThat(acknowledged).hasSizeGreaterThan(clients * perClient / 3);
        }
    }
}
