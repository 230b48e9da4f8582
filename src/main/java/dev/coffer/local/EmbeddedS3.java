package dev.coffer.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy inside this JVM on 127.0.0.1, checking SigV4 signatures against one identity, so wrong
 * keys really fail as they would on AWS. Objects live as files under {@code dataDir} (metadata in
 * extended attributes) or in memory. Restarting keeps the port.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private final Optional<Path> dataDir;
    private final String identity;
    private final String credential;
    private int port;
    private S3Proxy proxy;
    private BlobStore blobStore;

    private EmbeddedS3(Optional<Path> dataDir, String identity, String credential) {
        this.dataDir = dataDir;
        this.identity = identity;
        this.credential = credential;
    }

    public static EmbeddedS3 onDisk(Path dataDir, String identity, String credential) {
        return new EmbeddedS3(Optional.of(dataDir), identity, credential);
    }

    public static EmbeddedS3 inMemory(String identity, String credential) {
        return new EmbeddedS3(Optional.empty(), identity, credential);
    }

    public synchronized URI start() throws Exception {
        if (proxy != null) {
            return endpoint();
        }
        if (blobStore == null) {
            if (dataDir.isPresent()) {
                Files.createDirectories(dataDir.get());
                blobStore = new FilesystemNio2BlobStore(dataDir.get().toAbsolutePath().toString());
            } else {
                blobStore = new TransientNio2BlobStore();
            }
        }
        S3Proxy started = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, identity, credential)
                .ignoreUnknownHeaders(true)
                // Jetty's default of 200 threads grew to about 66 under a 64-client bench: stacks in
                // resident memory for no throughput, since Coffer's request threads are its only callers.
                .jettyMaxThreads(EmbeddedDynamoDb.MAX_THREADS)
                .stopTimeout(0)
                .build();
        started.start();
        port = started.getPort();
        proxy = started;
        return endpoint();
    }

    public synchronized URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public synchronized boolean running() {
        return proxy != null;
    }

    public synchronized void stop() throws Exception {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } finally {
            proxy = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
