package dev.coffer.local;

import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import dev.coffer.aws.InJvmDynamoDb;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local inside this JVM. Its request handler is wired into a Jetty connector bound to
 * 127.0.0.1 (its own {@code ServerRunner} binds every interface and starts telemetry). The db is
 * shared ({@code sharedDb}) so any key and region see the same tables. Restarting keeps the port,
 * so clients built against the first endpoint reconnect by themselves.
 *
 * <p>On disk, its SQLite database runs in WAL mode with {@code synchronous=NORMAL} (see
 * {@link #setUpSqlite}), as PocketBase and most embedded SQLite users do: a commit is one write
 * to the log, not four {@code fsync}s. An acknowledged write survives {@code kill -9} of this
 * process (it is in the OS's page cache, and the log is replayed on the next open); the last
 * writes before an OS crash or power loss may be lost, never half-applied. This is the local
 * development default; production runs against DynamoDB.
 *
 * <p>Not thread-safe for start/stop; the owner calls them from one thread.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDynamoDb.class);
    static final int MAX_THREADS = 16;
    private static final int MIN_THREADS = 2;
    static final Duration THREAD_IDLE = Duration.ofSeconds(30);

    private final Optional<Path> dataDir;
    private int port;
    private Server server;
    private LocalDynamoDBRequestHandler handler;
    /**
     * The client DynamoDB Local's handler calls for every key (the database is shared), which
     * Coffer's own clients call directly ({@link #inJvm}); null while stopped, or when this
     * DynamoDB Local keeps it elsewhere.
     */
    private volatile AmazonDynamoDBLocal shared;
    /** DynamoDB Local's SQLite connection queue, on disk; stopping waits for it to close the database. */
    private Optional<SQLiteQueue> sqlite = Optional.empty();

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
        // Few threads: Coffer's own clients call it directly (inJvm), so this listener serves
        // other clients (tools, tests, a second Coffer process), and its SQLite store commits one write
        // at a time anyway. More threads only add stacks to the resident memory; a burst queues in Jetty.
        var threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, (int) THREAD_IDLE.toMillis());
        threads.setName("dynamodb-local");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        var connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        AmazonDynamoDBLocal client = sharedClient(handler);
        if (dataDir.isPresent() && client != null) {
            sqlite = setUpSqlite(client);
        }
        var serverHandler = new LocalDynamoDBServerHandler(handler, null);
        jetty.setHandler(serverHandler);
        // No graceful phase: idle keep-alive connections from SDK pools would hold it up.
        jetty.setStopTimeout(0);
        jetty.start();
        port = connector.getLocalPort();
        server = jetty;
        shared = client;
        return endpoint();
    }

    /**
     * DynamoDB and DynamoDB Streams clients that call this DynamoDB Local in this JVM, without
     * HTTP or JSON ({@link DirectDynamoDb}); they follow restarts, and while stopped fail as a
     * refused connection does. Empty when not started or when this DynamoDB Local's client was not
     * found: then use {@link #endpoint()}. The loopback listener keeps serving other clients either way.
     */
    public synchronized Optional<InJvmDynamoDb> inJvm() {
        if (shared == null) {
            return Optional.empty();
        }
        return Optional.of(DirectDynamoDb.over(() -> shared));
    }

    /**
     * The SQLite settings of DynamoDB Local's one database connection, as {@code PRAGMA}
     * {@code journal_mode}, {@code synchronous}, {@code temp_store} and {@code locking_mode} report
     * them ({@code "wal"}, {@code 1} for NORMAL, {@code 2} for MEMORY, {@code "exclusive"}); empty
     * in memory or when DynamoDB Local's internals are not where this version keeps them.
     */
    public synchronized Optional<SqliteSettings> sqliteSettings() {
        if (shared == null || dataDir.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(queue(shared).execute(new SQLiteJob<SqliteSettings>() {
                @Override
                protected SqliteSettings job(SQLiteConnection connection) throws Throwable {
                    return new SqliteSettings(pragma(connection, "journal_mode"), Integer.parseInt(pragma(connection, "synchronous")),
                            Integer.parseInt(pragma(connection, "temp_store")), pragma(connection, "locking_mode"));
                }
            }).get());
        } catch (ReflectiveOperationException | RuntimeException | java.util.concurrent.ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * What {@code PRAGMA journal_mode}, {@code PRAGMA synchronous} (0 OFF, 1 NORMAL, 2 FULL),
     * {@code PRAGMA temp_store} (0 DEFAULT, 1 FILE, 2 MEMORY) and {@code PRAGMA locking_mode} say.
     */
    public record SqliteSettings(String journalMode, int synchronous, int tempStore, String lockingMode) {
    }

    /**
     * Sets DynamoDB Local's SQLite connection up for one process writing through one thread
     * (DynamoDB Local leaves SQLite at its defaults and offers no setting; the costs below are
     * measured in BENCHMARKS.md):
     * <ul>
     *   <li>{@code journal_mode=WAL} with {@code synchronous=NORMAL}: a commit is one write to the
     *       log, not about four {@code fsync}s (those were the whole write path's limit).</li>
     *   <li>{@code temp_store=MEMORY}: each DynamoDB Local write runs several statements in one
     *       transaction, and SQLite keeps a statement journal to undo a failed one. By default that
     *       is a temporary file opened, written and deleted per write, a sixth of the database
     *       thread's time. It holds the pages one statement changes and plays no part in crash
     *       recovery, so memory loses nothing.</li>
     *   <li>{@code locking_mode=EXCLUSIVE}: the connection keeps the database's lock instead of
     *       taking WAL-index locks ({@code fcntl}) in every transaction. No other process may open
     *       the file while this one runs; {@link DataFolderLock} sees to that for Coffer's
     *       processes, with a one-line cause, and lends them the running servers instead.</li>
     * </ul>
     * The pragmas run as a job on DynamoDB Local's own connection queue (one connection, one
     * thread), reached through three private fields of DynamoDB Local 3.3.1, the version the pom
     * pins. WAL is kept in the file; the rest is per connection, so if sqlite4java ever reopens
     * the connection after an error it is back at SQLite's defaults (slower, not less safe).
     * Should a later version move those fields, the database keeps DynamoDB Local's defaults and
     * a warning says so; EmbeddedDynamoDbTest fails first.
     */
    private static Optional<SQLiteQueue> setUpSqlite(AmazonDynamoDBLocal client) {
        try {
            SQLiteQueue queue = queue(client);
            String mode = queue.execute(new SQLiteJob<String>() {
                @Override
                protected String job(SQLiteConnection connection) throws Throwable {
                    String journal = pragma(connection, "journal_mode=WAL");
                    connection.exec("PRAGMA synchronous=NORMAL");
                    connection.exec("PRAGMA temp_store=MEMORY");
                    pragma(connection, "locking_mode=EXCLUSIVE");
                    // The lock is taken by the next transaction that writes; take it now, while nothing waits.
                    connection.exec("BEGIN IMMEDIATE; COMMIT");
                    return journal;
                }
            }).get();
            if (!"wal".equalsIgnoreCase(mode)) {
                LOG.warn("DynamoDB Local's SQLite database stayed in journal mode {} (WAL refused): writes are slower", mode);
            }
            return Optional.of(queue);
        } catch (ReflectiveOperationException | RuntimeException | java.util.concurrent.ExecutionException e) {
            LOG.warn("could not switch DynamoDB Local's SQLite database to WAL ({}): writes are slower, not less safe", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /**
     * The client DynamoDB Local's handler keeps for its one shared database (what {@link #inJvm}
     * calls and what holds its SQLite queue), read once per start from a private field of DynamoDB
     * Local 3.3.1 (the version the pom pins); asking the handler for its table list first makes it
     * open the database. Null, with a warning, when that version's field is not there: then
     * neither the direct clients nor {@link #setUpSqlite} can reach it.
     */
    private static AmazonDynamoDBLocal sharedClient(LocalDynamoDBRequestHandler handler) {
        try {
            handler.listTables(ACCESS_KEY_FOR_OPENING, "us-east-1",
                    software.amazon.awssdk.services.dynamodb.model.ListTablesRequest.builder().limit(1).build());
            Map<?, ?> clients = (Map<?, ?>) field(handler.getClass(), "dbRequestHandlers").get(handler);
            if (clients.size() != 1) {
                throw new IllegalStateException("expected one shared database, found " + clients.size());
            }
            return (AmazonDynamoDBLocal) clients.values().iterator().next();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("DynamoDB Local's client is not where version 3.3.1 keeps it ({}): Coffer reaches it over loopback HTTP and "
                    + "leaves its SQLite settings at their defaults (slower, not less safe)", e.toString());
            return null;
        }
    }

    /** DynamoDB Local's connection queue (its one database thread; DirectDynamoDbTest holds it up). */
    static SQLiteQueue queue(AmazonDynamoDBLocal client) throws ReflectiveOperationException {
        Object access = field(client.getClass(), "dbAccess").get(client);
        return (SQLiteQueue) field(access.getClass(), "queue").get(access);
    }

    /** With {@code sharedDb} every key reaches the same database; the key only has to be well-formed. */
    private static final String ACCESS_KEY_FOR_OPENING = "coffer";

    static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static String pragma(SQLiteConnection connection, String pragma) throws Exception {
        var statement = connection.prepare("PRAGMA " + pragma, false);
        try {
            return statement.step() ? statement.columnString(0) : "";
        } finally {
            statement.dispose();
        }
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
        shared = null;
        try {
            server.stop();
        } finally {
            server = null;
            handler.shutdown();
            handler = null;
            // Its queue closes the connection on its own thread; in WAL mode the last close
            // checkpoints under an exclusive lock, so a restart right after must wait for it.
            if (sqlite.isPresent()) {
                sqlite.get().join();
                sqlite = Optional.empty();
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
