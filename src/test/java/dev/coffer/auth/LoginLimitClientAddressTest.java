package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.RawHttp;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The login limit per client address counts the real client behind a trusted proxy, and only
 * there: this test's HTTP client on 127.0.0.1 plays the proxy (the one trusted address), raw
 * sockets from 127.0.0.2 play a client connecting directly. With two failures allowed per email,
 * each address may fail 8 times.
 */
@ExtendWith(SharedEmbeddedServers.class)
class LoginLimitClientAddressTest {
    private static final int PER_ADDRESS = 8;
    private static TestCoffer coffer;
    private static Http proxy;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, "", Map.of("COFFER_SERVER_TRUSTED_PROXIES", "127.0.0.1/32",
                "COFFER_AUTH_LOGIN_MAX_FAILURES", "2"));
        proxy = coffer.http();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    /** A failed login (a new unknown email each time, so only the address limit can trip) forwarded for {@code xff}. */
    private static int failedLoginVia(String xff, int attempt) {
        return proxy.request("POST", "/api/v1/auth/login").header("X-Forwarded-For", xff)
                .json(Map.of("email", "nobody-" + xff.replace(' ', '_') + "-" + attempt + "@example.com", "password", "wrong-password"))
                .send().status();
    }

    @Test
    void clientsBehindATrustedProxy_eachGetTheirOwnLimit() {
        for (int i = 0; i < PER_ADDRESS; i++) {
            assertThat(failedLoginVia("203.0.113.10", i)).isEqualTo(401);
        }
        assertThat(failedLoginVia("203.0.113.10", PER_ADDRESS)).isEqualTo(429);
        // Another client of the same proxy is not locked out by the first.
        assertThat(failedLoginVia("203.0.113.11", 0)).isEqualTo(401);
        // Nor can the first escape by writing another address in front of its own: the proxy appends
        // the real one, and entries left of it are never read.
        assertThat(failedLoginVia("198.51.100.99, 203.0.113.10", PER_ADDRESS + 1)).isEqualTo(429);
    }

    @Test
    void untrustedPeer_spoofedForwardedFor_ignored() throws Exception {
        InetAddress direct = InetAddress.getByName("127.0.0.2");
        String last = null;
        for (int i = 0; i <= PER_ADDRESS; i++) {
            String body = "{\"email\":\"spoofer-" + i + "@example.com\",\"password\":\"wrong-password\"}";
            try (RawHttp.KeptAlive connection = RawHttp.open(direct, coffer.server().port())) {
                // A new address in the header on every attempt: believed, it would never be limited.
                last = connection.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "X-Forwarded-For: 192.0.2." + (i + 1) + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body);
            }
            if (i < PER_ADDRESS) {
                assertThat(last).startsWith("HTTP/1.1 401");
            }
        }
        assertThat(last).startsWith("HTTP/1.1 429").contains("\"code\":\"rate_limited\"");
    }
}
