package dev.coffer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.app.CofferServer;
import dev.coffer.config.CofferConfig;
import dev.coffer.testing.TestCoffer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The embedded default as `coffer serve` runs it: on disk, loopback only, data kept across restarts. */
class EmbeddedDefaultTest {
    /** A fresh data dir under a temporary folder, as `coffer serve --data-dir` would use. */
    private CofferConfig config() {
        return TestCoffer.config("", Map.of());
    }

    @Test
    void serve_restarted_dataWrittenBeforeIsStillThere() throws Exception {
        CofferConfig config = config();
        String table = config.storage().usersTable();
        String bucket = config.storage().bucket();
        try (CofferServer first = CofferServer.start(config, Clock.systemUTC())) {
            first.clients().dynamoDb().putItem(b -> b.tableName(table)
                    .item(Map.of("user_id", AttributeValue.fromS("u1"), "email", AttributeValue.fromS("a@example.com"))));
            first.clients().s3().putObject(b -> b.bucket(bucket).key("users/u1/note.txt"), RequestBody.fromString("kept"));
        }
        try (CofferServer second = CofferServer.start(config, Clock.systemUTC())) {
            var item = second.clients().dynamoDb().getItem(b -> b.tableName(table)
                    .key(Map.of("user_id", AttributeValue.fromS("u1")))).item();
            assertThat(item.get("email").s()).isEqualTo("a@example.com");
            String text = second.clients().s3().getObjectAsBytes(b -> b.bucket(bucket).key("users/u1/note.txt")).asUtf8String();
            assertThat(text).isEqualTo("kept");
        }
        assertThat(config.dataDir().resolve("dynamodb")).isDirectory();
        assertThat(config.dataDir().resolve("s3")).isDirectory();
    }

    @Test
    void embeddedServers_boundToLoopbackOnly() throws Exception {
        InetAddress external = firstNonLoopbackAddress();
        Assumptions.assumeTrue(external != null, "this machine has no non-loopback address to try");
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("in memory, loopback test")) {
            for (URI endpoint : new URI[] {stack.dynamoDb().endpoint(), stack.s3().endpoint()}) {
                assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
                assertThat(canConnect(new InetSocketAddress("127.0.0.1", endpoint.getPort()))).isTrue();
                assertThatThrownBy(() -> connect(new InetSocketAddress(external, endpoint.getPort())))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    private static InetAddress firstNonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            Optional<InetAddress> address = nic.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst();
            if (address.isPresent()) {
                return address.get();
            }
        }
        return null;
    }

    private static boolean canConnect(InetSocketAddress address) throws IOException {
        connect(address);
        return true;
    }

    private static void connect(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
        }
    }
}
