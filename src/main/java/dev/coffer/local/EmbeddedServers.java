package dev.coffer.local;

import java.net.URI;
import java.nio.file.Path;
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

    private EmbeddedServers(EmbeddedDynamoDb dynamoDb, EmbeddedS3 s3) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
    }

    public static EmbeddedServers onDisk(Path dataDir) {
        return new EmbeddedServers(EmbeddedDynamoDb.onDisk(dataDir.resolve("dynamodb")),
                EmbeddedS3.onDisk(dataDir.resolve("s3"), ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    public static EmbeddedServers inMemory() {
        return inMemory(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    }

    /** In memory, with S3Proxy checking signatures against the given identity (tests of remote mode). */
    public static EmbeddedServers inMemory(String accessKeyId, String secretAccessKey) {
        return new EmbeddedServers(EmbeddedDynamoDb.inMemory(), EmbeddedS3.inMemory(accessKeyId, secretAccessKey));
    }

    /** Starts both servers (in parallel: each takes about a second) and logs one line for each. */
    public EmbeddedServers start(String dataDescription) throws Exception {
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
        LOG.info("started embedded DynamoDB Local at {} ({})", ddb, dataDescription);
        LOG.info("started embedded S3Proxy at {} ({})", s3.endpoint(), dataDescription);
        return this;
    }

    public EmbeddedDynamoDb dynamoDb() {
        return dynamoDb;
    }

    public EmbeddedS3 s3() {
        return s3;
    }

    @Override
    public void close() throws Exception {
        try {
            s3.stop();
        } finally {
            dynamoDb.stop();
        }
    }
}
