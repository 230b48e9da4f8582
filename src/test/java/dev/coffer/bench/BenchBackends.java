package dev.coffer.bench;

import dev.coffer.local.EmbeddedServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded DynamoDB Local and S3Proxy the overhead bench measures against: either in the
 * bench's own JVM, sharing its CPUs, or in a child JVM pinned with {@code taskset} to CPUs of its
 * own, the way AWS's servers never share a CPU with Coffer. Closing stops them.
 */
final class BenchBackends implements AutoCloseable {
    private final URI dynamoDb;
    private final URI s3;
    private final AutoCloseable owner;
    private final String description;

    private BenchBackends(URI dynamoDb, URI s3, AutoCloseable owner, String description) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.owner = owner;
        this.description = description;
    }

    static BenchBackends inProcess() throws Exception {
        EmbeddedServers stack = EmbeddedServers.inMemory().start("bench backends");
        return new BenchBackends(stack.dynamoDb().endpoint(), stack.s3().endpoint(), stack, "in the bench JVM");
    }

    /** A child JVM on {@code cpus} (taskset syntax, e.g. "1"), on the bench's own class path. */
    static BenchBackends pinnedTo(String cpus) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(List.of("taskset", "-c", cpus, java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), BenchBackends.class.getName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String ready = lines.readLine();
        if (ready == null || !ready.startsWith("endpoints ")) {
            child.destroyForcibly();
            throw new IllegalStateException("bench backends did not start: " + ready);
        }
        String[] parts = ready.split(" ");
        AutoCloseable stop = () -> {
            child.getOutputStream().close();   // the child stops when its stdin ends
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        };
        return new BenchBackends(URI.create(parts[1]), URI.create(parts[2]), stop, "in a child JVM on CPU " + cpus);
    }

    URI dynamoDb() {
        return dynamoDb;
    }

    URI s3() {
        return s3;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }

    /** The child: starts the servers, prints their endpoints, runs until stdin ends. */
    public static void main(String[] args) throws Exception {
        dev.coffer.support.logging.LogSetup.configure(false, "error");
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.gaul.s3proxy"))
                .setLevel(ch.qos.logback.classic.Level.OFF);
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("bench backends")) {
            System.out.println("endpoints " + stack.dynamoDb().endpoint() + " " + stack.s3().endpoint());
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
