package dev.coffer.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local inside this JVM. Its request handler is wired into a Jetty connector bound to
 * 127.0.0.1 (its own {@code ServerRunner} binds every interface and starts telemetry). The db is
 * shared ({@code sharedDb}) so any key and region see the same tables. Restarting keeps the port,
 * so clients built against the first endpoint reconnect by themselves.
 *
 * <p>Not thread-safe for start/stop; the owner calls them from one thread.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
    private final Optional<Path> dataDir;
    private int port;
    private Server server;
    private LocalDynamoDBRequestHandler handler;

    private EmbeddedDynamoDb(Optional<Path> dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** On disk under {@code dataDir}, surviving restarts. */
    public static EmbeddedDynamoDb onDisk(Path dataDir) {
        return new EmbeddedDynamoDb(Optional.of(dataDir), 0);
    }

    /** In memory: for tests and benchmarks; data is gone when stopped. */
    public static EmbeddedDynamoDb inMemory() {
        return new EmbeddedDynamoDb(Optional.empty(), 0);
    }

    public synchronized URI start() throws Exception {
        if (server != null) {
            return endpoint();
        }
        if (dataDir.isPresent()) {
            Files.createDirectories(dataDir.get());
        }
        handler = new LocalDynamoDBRequestHandler(0, dataDir.isEmpty(),
                dataDir.map(p -> p.toAbsolutePath().toString()).orElse(null), true, false);
        var threads = new QueuedThreadPool(64, 4);
        threads.setName("dynamodb-local");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        var connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        jetty.setHandler(new LocalDynamoDBServerHandler(handler, null));
        // No graceful phase: idle keep-alive connections from SDK pools would hold it up.
        jetty.setStopTimeout(0);
        jetty.start();
        port = connector.getLocalPort();
        server = jetty;
        return endpoint();
    }

    public synchronized URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public synchronized boolean running() {
        return server != null;
    }

    public synchronized void stop() throws Exception {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } finally {
            server = null;
            handler.shutdown();
            handler = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
