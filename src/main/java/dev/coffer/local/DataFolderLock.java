package dev.coffer.local;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process's claim on an embedded default's data folder: an operating-system lock on
 * {@value #FILE_NAME} in it, held while that process's embedded servers run, with their
 * loopback endpoints written into the file. DynamoDB Local's SQLite database then needs no lock
 * per transaction ({@link EmbeddedDynamoDb} holds it exclusively), a second {@code serve} on the
 * same folder is refused with a one-line cause, and operator commands use the running servers
 * instead of opening the files a second time.
 *
 * <p>The lock is the kernel's, so it goes with its process, {@code kill -9} included; the file
 * stays and is rewritten by the next holder. Within one JVM a second claim is answered from
 * memory, never from the file: POSIX locks belong to the process, and closing any descriptor of
 * the file (reading it, say) would drop this JVM's lock.
 */
public final class DataFolderLock implements AutoCloseable {
    static final String FILE_NAME = "coffer.lock";
    /** The folders this JVM holds, with their holder once published. */
    private static final Map<Path, Optional<Holder>> HELD_HERE = new ConcurrentHashMap<>();

    private final Path folder;
    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(Path folder, FileChannel channel, FileLock lock) {
        this.folder = folder;
        this.channel = channel;
        this.lock = lock;
    }

    /** What a claim found. */
    public sealed interface Claim permits Claimed, InUse {
    }

    /** This process holds the folder until {@link DataFolderLock#close()}. */
    public record Claimed(DataFolderLock lock) implements Claim {
    }

    /**
     * Another process (or another part of this one) holds the folder; {@code holder} is empty while
     * it is still starting its servers, or when its file cannot be read as one Coffer writes it.
     */
    public record InUse(Path folder, Optional<Holder> holder) implements Claim {
        /** The one-line start-up failure for a process that needs the folder to itself. */
        public CofferException refusal() {
            String who = holder.map(h -> " (pid " + h.pid() + ")").orElse(" (still starting)");
            return new CofferException(ErrorCode.STARTUP_FAILED, "the data folder " + folder + " is in use by another Coffer" + who,
                    "stop that process first, or give this one its own folder with local.data_dir or COFFER_DATA_DIR", null, null);
        }
    }

    /** The process holding a folder and where its embedded servers listen (loopback only). */
    public record Holder(long pid, URI dynamoDb, URI s3) {
    }

    /**
     * Claims {@code dataDir} (created if missing) for this process, or says who holds it. A folder
     * that cannot be created or locked (no permission, a file system without locks) is a start-up
     * failure naming the folder.
     */
    public static Claim claim(Path dataDir) {
        try {
            return tryClaim(dataDir);
        } catch (IOException | UnsupportedOperationException e) {
            throw new CofferException(ErrorCode.STARTUP_FAILED, "cannot lock the data folder " + dataDir.toAbsolutePath().normalize()
                    + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                    "give local.data_dir or COFFER_DATA_DIR a folder this user can write, on a local file system", null, e);
        }
    }

    private static Claim tryClaim(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path folder = dataDir.toRealPath();
        if (HELD_HERE.putIfAbsent(folder, Optional.empty()) != null) {
            return new InUse(folder, HELD_HERE.getOrDefault(folder, Optional.empty()));
        }
        FileChannel channel = null;
        boolean kept = false;
        try {
            channel = FileChannel.open(folder.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                channel.truncate(0);
                kept = true;
                return new Claimed(new DataFolderLock(folder, channel, lock));
            }
        } finally {
            if (!kept) {
                release(folder, channel);
            }
        }
        // This JVM holds no lock on the file, so reading it drops none.
        return new InUse(folder, read(folder));
    }

    /**
     * Closes this JVM's channel to the folder's file, then forgets the folder, in that order: a
     * thread of this JVM that claimed the folder in between would hold the kernel's lock on the
     * file, and closing this channel after that would drop it.
     */
    private static void release(Path folder, FileChannel channel) throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            HELD_HERE.remove(folder);
        }
    }

    /** Writes this process's id and its servers' endpoints for other processes to find. */
    public void publish(URI dynamoDb, URI s3) throws IOException {
        var holder = new Holder(ProcessHandle.current().pid(), dynamoDb, s3);
        byte[] text = ("pid=" + holder.pid() + "\ndynamodb=" + dynamoDb + "\ns3=" + s3 + "\n").getBytes(StandardCharsets.UTF_8);
        // No force to disk: the record is read only while this process lives, from the page cache.
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text), 0);
        HELD_HERE.replace(folder, Optional.of(holder));
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                // An empty file says "not serving" to anyone who reads it without trying the lock.
                channel.truncate(0);
            }
        } finally {
            release(folder, channel);
        }
    }

    /**
     * The holder as its file names it. The file is another process's writing, so it is checked as
     * input: a positive pid and two {@code http://127.0.0.1:<port>} endpoints, or nothing.
     */
    static Optional<Holder> read(Path folder) {
        String text;
        try {
            text = Files.readString(folder.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (text.length() > 1024) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            long pid = Long.parseLong(fields.getOrDefault("pid", ""));
            Optional<URI> dynamoDb = loopback(fields.get("dynamodb"));
            Optional<URI> s3 = loopback(fields.get("s3"));
            if (pid <= 0 || dynamoDb.isEmpty() || s3.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Holder(pid, dynamoDb.get(), s3.get()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<URI> loopback(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            boolean plain = "http".equals(uri.getScheme()) && "127.0.0.1".equals(uri.getHost()) && uri.getPort() > 0
                    && uri.getPort() <= 65535 && uri.getUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            return plain ? Optional.of(uri) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }
}
