package dev.coffer.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    static final int MAX_THREADS = 16;
    private static final int MIN_THREADS = 2;
    static final Duration THREAD_IDLE = Duration.ofSeconds(30);

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
        // Few threads: its callers are Coffer's request threads (each waits for its answer, so at most
        // one call each is in flight) and its SQLite store commits one write at a time anyway. More
        // threads only add stacks to the resident memory; a burst queues in Jetty instead.
        var threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, (int) THREAD_IDLE.toMillis());
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
