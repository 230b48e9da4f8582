package dev.coffer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Slow clients: connections from chosen loopback addresses that send the start of a request at
 * once and then one more byte every tick, for as long as the server lets them (the trickled part
 * never runs out, so every connection that ends was ended by the server). One scheduled thread
 * writes for all of them; one virtual thread per connection reads the answer.
 */
public final class Trickle implements AutoCloseable {
    /** How one connection ended: the status the server answered, or {@link #NO_ANSWER}, and how long it was held. */
    public record Ending(int status, Duration held) {
        public static final int NO_ANSWER = 0;
    }

    private final List<Connection> connections;
    private final ScheduledExecutorService writer;

    private Trickle(List<Connection> connections, ScheduledExecutorService writer) {
        this.connections = connections;
        this.writer = writer;
    }

    /**
     * The headers of a request declaring a body of {@code length} bytes, for the body to come a byte
     * per tick (at 50 a second, 60,000 bytes outlast any test by far).
     */
    public static String bodyHead(String method, String path, String contentType, long length) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + length + "\r\n\r\n";
    }

    /**
     * Opens {@code perAddress} connections from each of {@code from} to 127.0.0.1:{@code port}; each
     * sends {@code head}, then the bytes of {@code trickled} (over and over) one per {@code tick}.
     */
    public static Trickle start(int port, List<InetAddress> from, int perAddress, String head, String trickled, Duration tick)
            throws IOException {
        var connections = new ArrayList<Connection>();
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] trickleBytes = trickled.getBytes(StandardCharsets.ISO_8859_1);
        try {
            for (int i = 0; i < perAddress; i++) {
                for (InetAddress address : from) {
                    connections.add(new Connection(address, port, headBytes, trickleBytes));
                }
            }
        } catch (IOException e) {
            connections.forEach(Connection::close);
            throw e;
        }
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trickle-writer");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleAtFixedRate(() -> connections.forEach(Connection::sendOneByte), tick.toNanos(), tick.toNanos(),
                TimeUnit.NANOSECONDS);
        return new Trickle(List.copyOf(connections), writer);
    }

    /** Loopback addresses 127.0.{@code third}.1 to 127.0.{@code third}.{@code count}: on Linux all of 127/8 is on lo. */
    public static List<InetAddress> loopbackAddresses(int third, int count) {
        var out = new ArrayList<InetAddress>();
        for (int i = 1; i <= count; i++) {
            try {
                out.add(InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) i}));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    public int size() {
        return connections.size();
    }

    /** The first connection to end. */
    public Ending awaitFirstEnding(Duration atMost) throws Exception {
        var any = CompletableFuture.anyOf(connections.stream().map(c -> c.ending).toArray(CompletableFuture[]::new));
        return (Ending) any.get(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits for every connection to end (a guard against a hang, not a measure of speed). */
    public List<Ending> awaitAllEndings(Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        var out = new ArrayList<Ending>();
        for (Connection connection : connections) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("trickling connections still open after " + atMost);
            }
            out.add(connection.ending.get(left, TimeUnit.NANOSECONDS));
        }
        return out;
    }

    /** For a bench: waits until every connection has ended or {@code atMost} has passed, and returns those that ended. */
    public List<Ending> endingsWithin(Duration atMost) throws InterruptedException {
        try {
            CompletableFuture.allOf(connections.stream().map(c -> c.ending).toArray(CompletableFuture[]::new))
                    .get(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException stillOpen) {
            // Those still open are what the caller counts as not ended.
        }
        return connections.stream().map(c -> c.ending).filter(f -> f.isDone() && !f.isCompletedExceptionally())
                .map(CompletableFuture::join).toList();
    }

    @Override
    public void close() {
        writer.shutdownNow();
        connections.forEach(Connection::close);
    }

    private static final class Connection {
        final Socket socket = new Socket();
        final CompletableFuture<Ending> ending = new CompletableFuture<>();
        final byte[] trickled;
        final long opened;
        int next;
        volatile boolean writable = true;

        Connection(InetAddress from, int port, byte[] head, byte[] trickled) throws IOException {
            this.trickled = trickled;
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            // Only a guard: a server that never ends the connection fails the test instead of hanging it.
            socket.setSoTimeout(120_000);
            opened = System.nanoTime();
            Thread.ofVirtual().start(this::readAnswer);
            try {
                socket.getOutputStream().write(head);
                socket.getOutputStream().flush();
            } catch (IOException closedAlready) {
                writable = false;
            }
        }

        void sendOneByte() {
            if (!writable) {
                return;
            }
            try {
                OutputStream out = socket.getOutputStream();
                out.write(trickled[next]);
                out.flush();
                next = (next + 1) % trickled.length;
            } catch (IOException closed) {
                writable = false;
            }
        }

        private void readAnswer() {
            int status = Ending.NO_ANSWER;
            try {
                InputStream in = socket.getInputStream();
                byte[] line = new byte[12];
                int n = in.readNBytes(line, 0, line.length);
                String start = new String(line, 0, n, StandardCharsets.ISO_8859_1);
                if (start.startsWith("HTTP/1.1 ") && n == 12) {
                    status = Integer.parseInt(start.substring(9, 12));
                }
                in.transferTo(OutputStream.nullOutputStream());
            } catch (SocketTimeoutException e) {
                writable = false;
                ending.completeExceptionally(new TimeoutException("the server never ended this connection"));
                return;
            } catch (IOException | NumberFormatException e) {
                // A reset counts as the server's end too; the status, if one was read, stands.
            }
            writable = false;
            ending.complete(new Ending(status, Duration.ofNanos(System.nanoTime() - opened)));
        }

        void close() {
            writable = false;
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a test socket: nothing to do about it.
            }
        }
    }
}
