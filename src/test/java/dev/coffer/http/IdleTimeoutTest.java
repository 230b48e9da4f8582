package dev.coffer.http;

import dev.coffer.identity.Authentication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.ServerConfig;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code server.idle_timeout} reaches the listener: a silent connection is closed by the server. */
class IdleTimeoutTest {
    @Test
    void silentConnection_closedByTheServerAfterTheConfiguredIdleTimeout() throws Exception {
        try (HttpServer server = HttpServer.start(new ServerConfig("127.0.0.1", 0, 1024, 4, Duration.ofMillis(500)),
                (authorization, onBehalfOf) -> new Authentication.Refused("no callers in this test"), List.of());
             Socket socket = new Socket("127.0.0.1", server.port())) {
            // Far longer than the configured half second and shorter than Jetty's own 30 s default,
            // so only the configured timeout can close the connection before this read gives up.
            socket.setSoTimeout(15_000);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }
}
