package dev.coffer.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: DynamoDB Local and S3Proxy on loopback with fixed local keys. Used when no
 * AWS endpoint or credentials are configured, and by the tests.
 */
public final class EmbeddedServers implements AutoCloseable {
    /** Letters and digits only: DynamoDB Local rejects other access key ids. */
    public static final String ACCESS_KEY_ID = "cofferlocal";
    /** Not a secret: it guards servers bound to 127.0.0.1 only. */
    public static final String SECRET_ACCESS_KEY = "coffer-local-secret";
    public static final String REGION = "us-east-1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);

    private final EmbeddedDynamoDb dynamoDb;
    private final EmbeddedS3 s3;
    /** On disk: the folder to claim at start; in memory: empty. */
    private final Optional<Path> dataDir;
    /** The folder's lock while started on disk (handed in, or claimed by {@link #start}). */
    private Optional<DataFolderLock> lock;

    private EmbeddedServers(EmbeddedDynamoDb dynamoDb, EmbeddedS3 s3, Optional<Path> dataDir, Optional<DataFolderLock> lock) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.dataDir = dataDir;
        this.lock = lock;
    }

    /** On disk under {@code dataDir}, which {@link #start} claims for this process (refused, as a start-up failure, when held). */
    public static EmbeddedServers onDisk(Path dataDir) {
        return onDisk(dataDir, Optional.empty());
    }

    /** On disk under the folder this process has claimed already; closing the servers releases it. */
    public static EmbeddedServers onDisk(DataFolderLock claimed) {
        return onDisk(claimed.folder(), Optional.of(claimed));
    }

    private static EmbeddedServers onDisk(Path dataDir, Optional<DataFolderLock> lock) {
        return new EmbeddedServers(EmbeddedDynamoDb.onDisk(dataDir.resolve("dynamodb")),
                EmbeddedS3.onDisk(dataDir.resolve("s3"), ACCESS_KEY_ID, SECRET_ACCESS_KEY), Optional.of(dataDir), lock);
    }

    public static EmbeddedServers inMemory() {
        return inMemory(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    }

    /** In memory, with S3Proxy checking signatures against the given identity (tests of remote mode). */
    public static EmbeddedServers inMemory(String accessKeyId, String secretAccessKey) {
        return new EmbeddedServers(EmbeddedDynamoDb.inMemory(), EmbeddedS3.inMemory(accessKeyId, secretAccessKey), Optional.empty(),
                Optional.empty());
    }

    /**
     * Starts both servers (in parallel: each takes about a second) and logs one line for each. On
     * disk, the data folder is claimed first and the servers' endpoints are published in it.
     */
    public EmbeddedServers start(String dataDescription) throws Exception {
        if (dataDir.isPresent() && lock.isEmpty()) {
            switch (DataFolderLock.claim(dataDir.get())) {
                case DataFolderLock.Claimed claimed -> lock = Optional.of(claimed.lock());
                case DataFolderLock.InUse inUse -> throw inUse.refusal();
            }
        }
        try {
            startServers(dataDescription);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        return this;
    }

    private void startServers(String dataDescription) throws Exception {
        var s3Start = Thread.ofVirtual().name("start-s3proxy").start(() -> {
            try {
                s3.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        URI ddb = dynamoDb.start();
        s3Start.join();
        if (!s3.running()) {
            throw new IllegalStateException("S3Proxy did not start");
        }
        if (lock.isPresent()) {
            lock.get().publish(ddb, s3.endpoint());
        }
        LOG.info("started embedded DynamoDB Local at {} ({})", ddb, dataDescription);
        LOG.info("started embedded S3Proxy at {} ({})", s3.endpoint(), dataDescription);
    }

    public EmbeddedDynamoDb dynamoDb() {
        return dynamoDb;
    }

    public EmbeddedS3 s3() {
        return s3;
    }

    /** Stops both servers, then releases the data folder: its files are closed by then. */
    @Override
    public void close() throws Exception {
        try {
            try {
                s3.stop();
            } finally {
                dynamoDb.stop();
            }
        } finally {
            if (lock.isPresent()) {
                lock.get().close();
                lock = Optional.empty();
            }
        }
    }
}
