package dev.coffer.http;

import dev.coffer.identity.Authentication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.ServerConfig;
import dev.coffer.support.Cidr;
import dev.coffer.testing.RawHttp;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What one client address may hold: {@code server.max_connections_per_address} connections
 * (trusted proxies not counted), or as many requests in flight when a trusted proxy forwards it.
 * Client sockets bind to other loopback addresses (all of 127/8 is on lo) to be other clients.
 */
class ClientLimitsTest {
    private static final InetAddress HOG = address("127.0.0.2");
    private static final InetAddress OTHER = address("127.0.0.3");
    private static final InetAddress PROXY = address("127.0.0.4");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer start(int perAddress, List<Cidr> trusted, ApiModule routes) {
        var config = new ServerConfig("127.0.0.1", 0, 1024, 16, Duration.ofMinutes(5), trusted, Duration.ofSeconds(20), 1024, perAddress);
        return HttpServer.start(config, (authorization, onBehalfOf) -> new Authentication.Refused("no callers in this test"), List.of(routes));
    }

    private static final ApiModule PING = r -> r.get("/ping", Access.PUBLIC, ctx -> ctx.json(Map.of("client", ctx.remoteAddress())));

    @Test
    void connectionBeyondTheCap_closedUnanswered_otherAddressesServed_slotBackOnClose() throws Exception {
        try (HttpServer server = start(4, List.of(), PING)) {
            var held = new ArrayList<RawHttp.KeptAlive>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawHttp.KeptAlive connection = RawHttp.open(HOG, server.port());
                    held.add(connection);
                    // Answered, so the server has counted it before the next one opens.
                    assertThat(connection.get("/ping")).startsWith("HTTP/1.1 200").contains("127.0.0.2");
                }
                try (RawHttp.KeptAlive fifth = RawHttp.open(HOG, server.port())) {
                    assertThat(fifth.get("/ping")).isNull();
                }
                try (RawHttp.KeptAlive other = RawHttp.open(OTHER, server.port())) {
                    assertThat(other.get("/ping")).startsWith("HTTP/1.1 200").contains("127.0.0.3");
                }
                assertThat(held.getFirst().get("/ping")).as("connections within the cap keep working").startsWith("HTTP/1.1 200");

                held.removeFirst().close();
                // The server notices the close on its own time: try until a new connection is served (bounded).
                String answer = null;
                for (int attempt = 0; attempt < 2_000 && answer == null; attempt++) {
                    try (RawHttp.KeptAlive again = RawHttp.open(HOG, server.port())) {
                        answer = again.get("/ping");
                    }
                }
                assertThat(answer).as("a closed connection gives its slot back").startsWith("HTTP/1.1 200");
            } finally {
                for (RawHttp.KeptAlive connection : held) {
                    connection.close();
                }
            }
        }
    }

    @Test
    void trustedProxy_notCappedByConnections_butEachForwardedClientIs() throws Exception {
        var entered = new CountDownLatch(2);
        var release = new CountDownLatch(1);
        ApiModule routes = r -> {
            PING.register(r);
            r.get("/slow", Access.PUBLIC, ctx -> {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
                ctx.json(Map.of("done", true));
            });
        };
        try (HttpServer server = start(2, List.of(Cidr.parse("127.0.0.4/32")), routes)) {
            var connections = new ArrayList<RawHttp.KeptAlive>();
            var slow = new ArrayList<Thread>();
            try {
                for (int i = 0; i < 5; i++) {
                    connections.add(RawHttp.open(PROXY, server.port()));
                }
                // Five connections from the proxy, twice the cap: none refused.
                assertThat(connections.get(4).send(forwarded("/ping", "203.0.113.9"))).startsWith("HTTP/1.1 200").contains("203.0.113.9");
                for (int i = 0; i < 2; i++) {
                    RawHttp.KeptAlive connection = connections.get(i);
                    slow.add(Thread.ofVirtual().start(() -> {
                        try {
                            connection.send(forwarded("/slow", "203.0.113.7"));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }));
                }
                assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
                String third = connections.get(2).send(forwarded("/ping", "203.0.113.7"));
                assertThat(third).startsWith("HTTP/1.1 429").contains("\"code\":\"rate_limited\"").contains("Retry-After: 1");
                assertThat(connections.get(3).send(forwarded("/ping", "203.0.113.8"))).as("another client of the same proxy")
                        .startsWith("HTTP/1.1 200");
            } finally {
                release.countDown();
                for (Thread thread : slow) {
                    thread.join();
                }
                for (RawHttp.KeptAlive connection : connections) {
                    connection.close();
                }
            }
        }
    }

    private static String forwarded(String path, String client) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + client + "\r\n\r\n";
    }
}
