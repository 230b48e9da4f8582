package dev.coffer.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once when its peer address already has
 * {@code server.max_connections_per_address} open, so one client cannot hold every connection and
 * thread however it paces its bytes. Trusted proxies are not counted: each carries many clients,
 * whose requests the edge counts by forwarded address instead. Installed on the connector as a
 * {@link Connection.Listener}; thread-safe.
 */
final class ConnectionCap implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final PerAddressLimit limit;
    private final TrustedProxies proxies;
    /** The address each counted connection holds a slot for; refused and proxied ones are absent. */
    private final ConcurrentHashMap<Connection, String> counted = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(NanoTime.now() - WARN_EVERY_NANOS);

    ConnectionCap(int maxPerAddress, TrustedProxies proxies) {
        this.limit = new PerAddressLimit(maxPerAddress);
        this.proxies = proxies;
    }

    @Override
    public void onOpened(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress socket) || socket.getAddress() == null || proxies.trusts(socket.getAddress())) {
            return;
        }
        String address = socket.getAddress().getHostAddress();
        if (limit.tryAcquire(address)) {
            counted.put(connection, address);
            return;
        }
        warnNowAndThen(address);
        connection.getEndPoint().close();
    }

    @Override
    public void onClosed(Connection connection) {
        String address = counted.remove(connection);
        if (address != null) {
            limit.release(address);
        }
    }

    private void warnNowAndThen(String address) {
        // A flood of refusals must not become a flood of log lines; one a minute tells the operator.
        long last = lastWarning.get();
        long now = NanoTime.now();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("refused a connection from {}: it has {} open already (server.max_connections_per_address); "
                    + "if that is a proxy in front of Coffer, list it in server.trusted_proxies", address, limit.max());
        }
    }
}
