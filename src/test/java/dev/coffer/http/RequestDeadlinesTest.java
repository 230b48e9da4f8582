package dev.coffer.http;

import dev.coffer.identity.Authentication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.ServerConfig;
import dev.coffer.testing.Http;
import dev.coffer.testing.RawHttp;
import dev.coffer.testing.Trickle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code server.request_timeout} and {@code server.min_request_data_rate} on the bare edge: a
 * request that arrives too slowly is cut however steadily its bytes come (the idle timeout never
 * fires for it), its thread is freed, and a body that keeps up the minimum rate is not cut.
 */
class RequestDeadlinesTest {
    private static final Duration TICK = Duration.ofMillis(20);
    private static HttpServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        var bodies = new JsonBodies(64 * 1024);
        ApiModule routes = r -> {
            r.post("/echo", Access.PUBLIC, ctx -> ctx.json(bodies.read(ctx, Map.class)));
            r.put("/upload", Access.PUBLIC, ctx -> {
                try (InputStream in = ctx.body()) {
                    ctx.json(Map.of("size", in.transferTo(java.io.OutputStream.nullOutputStream())));
                }
            });
            r.get("/ping", Access.PUBLIC, ctx -> ctx.json(Map.of("pong", true)));
        };
        // A one-second deadline and an idle timeout far beyond the test: only the deadline can end a trickle.
        var config = new ServerConfig("127.0.0.1", 0, 64 * 1024, 8, Duration.ofMinutes(5), List.of(), Duration.ofSeconds(1),
                1024, 1000);
        server = HttpServer.start(config, (authorization, onBehalfOf) -> new Authentication.Refused("no callers in this test"), List.of(routes));
        http = new Http(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tricklingBody_answered408AndClosed_slotFreed() throws Exception {
        // More tricklers than the 8 request slots: each must give its slot back, or /ping could not be answered.
        try (Trickle trickle = Trickle.start(server.port(), List.of(InetAddress.getLoopbackAddress()), 8,
                Trickle.bodyHead("POST", "/echo", "application/json", 60_000), " ", TICK)) {
            List<Trickle.Ending> endings = trickle.awaitAllEndings(Duration.ofSeconds(60));
            assertThat(endings).extracting(Trickle.Ending::status).containsOnly(408);
        }
        assertThat(http.get("/ping").status()).isEqualTo(200);
    }

    @Test
    void tricklingHeaders_closedWithoutAnAnswer() throws Exception {
        try (Trickle trickle = Trickle.start(server.port(), List.of(InetAddress.getLoopbackAddress()), 4,
                "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: y\r\n", TICK)) {
            List<Trickle.Ending> endings = trickle.awaitAllEndings(Duration.ofSeconds(60));
            assertThat(endings).extracting(Trickle.Ending::status).containsOnly(Trickle.Ending.NO_ANSWER);
        }
    }

    @Test
    void tricklingChunkedUpload_cut() throws Exception {
        try (Trickle trickle = Trickle.start(server.port(), List.of(InetAddress.getLoopbackAddress()), 2,
                "PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n", "1\r\nx\r\n", TICK)) {
            assertThat(trickle.awaitAllEndings(Duration.ofSeconds(60))).extracting(Trickle.Ending::status).containsOnly(408);
        }
    }

    @Test
    void uploadKeepingUpTheMinimumRate_outlastsTheTimeout() throws Exception {
        // 16 KiB at once earns 16 s beyond the 1 s timeout; then 2 KiB every 100 ms (twenty times
        // the minimum rate) for 30 ticks: the body cannot have arrived in under 3 s, yet is never late.
        int ticks = 30;
        byte[] first = new byte[16 * 1024];
        byte[] chunk = new byte[2 * 1024];
        long length = first.length + (long) ticks * chunk.length;
        var scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(first);
            out.flush();
            var sent = new CountDownLatch(ticks);
            scheduler.scheduleAtFixedRate(() -> {
                try {
                    if (sent.getCount() > 0) {
                        out.write(chunk);
                        out.flush();
                        sent.countDown();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("{\"size\":" + length + "}");
            assertThat(sent.getCount()).isZero();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void keepAliveConnection_idleBetweenRequests_notCut() throws Exception {
        // The deadline runs from a request's first byte: a connection waiting for its next request is not late.
        String twoRequests = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
        String answer = RawHttp.exchange(server.port(), twoRequests + "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
    }
}
