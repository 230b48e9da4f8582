package dev.coffer.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP proxy in front of a real embedded server that can inject faults: pass bytes
 * through untouched (signatures stay valid, the Host header is the proxy's own), hold requests
 * until released (a backend that hangs), or answer every request with a throttling error in the
 * backend's own wire format. Counts the requests it saw, so retries can be asserted.
 */
public final class FaultProxy implements AutoCloseable {
    /** What the proxy does with the next requests. */
    public enum Mode {
        PASS,
        /** Read the request, then hold the connection until {@link #release()} or close. */
        HANG,
        /** DynamoDB's ThrottlingException (HTTP 400, JSON). */
        THROTTLE_DYNAMODB,
        /** S3's SlowDown (HTTP 503, XML). */
        THROTTLE_S3,
        /**
         * DynamoDB's ValidationException (HTTP 400, JSON) for a request Coffer thought valid: a
         * backend fault Coffer has no translation for (502).
         */
        REFUSE_DYNAMODB,
        /**
         * Pass the next request to the backend, let it act, then drop the connection instead of
         * relaying its answer (a write that landed but whose answer was lost); then PASS again.
         */
        LOSE_ANSWER_ONCE,
        /**
         * Pass the next request to the backend and relay its answer's head and the first half of
         * its body, then drop the connection (a download broken midway); then PASS again.
         */
        CUT_ANSWER_ONCE
    }

    /** What {@link Mode#REFUSE_DYNAMODB} answers, for tests to find in the log. */
    public static final String REFUSAL_MESSAGE = "One or more parameter values were invalid: refused by the fault proxy";

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.PASS);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();
    private volatile CountDownLatch released = new CountDownLatch(1);
    private final Thread acceptor;

    private FaultProxy(URI upstream) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("fault-proxy").start(this::acceptLoop);
    }

    public static FaultProxy in(URI upstream) throws IOException {
        return new FaultProxy(upstream);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    public void mode(Mode newMode) {
        if (newMode == Mode.HANG) {
            released = new CountDownLatch(1);
        }
        mode.set(newMode);
    }

    /** Lets held requests go (they are then answered with a 503, as a recovering backend might). */
    public void release() {
        released.countDown();
    }

    /** Requests answered with a fault since the last reset. */
    public int faultedRequests() {
        return requests.get();
    }

    /** Requests passed through to the backend since the proxy started. */
    public int passedRequests() {
        return passed.get();
    }

    public void resetCount() {
        requests.set(0);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> handle(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        Socket backend = null;
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                Message request = Message.read(in, out, false, false);
                if (request == null) {
                    return;
                }
                Mode current = mode.get();
                if ((current == Mode.LOSE_ANSWER_ONCE || current == Mode.CUT_ANSWER_ONCE) && !mode.compareAndSet(current, Mode.PASS)) {
                    current = mode.get();
                }
                if (current != Mode.PASS) {
                    requests.incrementAndGet();
                } else {
                    passed.incrementAndGet();
                }
                switch (current) {
                    case PASS, LOSE_ANSWER_ONCE, CUT_ANSWER_ONCE -> {
                        if (backend == null || backend.isClosed()) {
                            backend = new Socket();
                            backend.connect(upstream, 2000);
                        }
                        backend.getOutputStream().write(request.bytes());
                        backend.getOutputStream().flush();
                        Message response = Message.read(backend.getInputStream(), null, true, request.isHead());
                        while (response != null && response.interim()) {
                            // We already told the client to continue; the backend's own 100 is not relayed.
                            response = Message.read(backend.getInputStream(), null, true, request.isHead());
                        }
                        if (response == null || current == Mode.LOSE_ANSWER_ONCE) {
                            return;
                        }
                        if (current == Mode.CUT_ANSWER_ONCE) {
                            byte[] bytes = response.bytes();
                            int headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) + 4;
                            out.write(bytes, 0, headEnd + (bytes.length - headEnd) / 2);
                            out.flush();
                            return;
                        }
                        out.write(response.bytes());
                        out.flush();
                    }
                    case HANG -> {
                        released.await(60, TimeUnit.SECONDS);
                        respond(out, 503, "text/plain", "released");
                        return;
                    }
                    case THROTTLE_DYNAMODB -> respond(out, 400, "application/x-amz-json-1.0",
                            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}");
                    case REFUSE_DYNAMODB -> respond(out, 400, "application/x-amz-json-1.0",
                            "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"" + REFUSAL_MESSAGE + "\"}");
                    case THROTTLE_S3 -> respond(out, 503, "application/xml",
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
                    default -> throw new IllegalStateException();
                }
            }
        } catch (IOException | InterruptedException e) {
            // one side went away; the connection ends
        } finally {
            if (backend != null) {
                try {
                    backend.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /**
     * One HTTP/1.1 message, kept as raw bytes: the head and a body framed by Content-Length or
     * chunked encoding (responses to HEAD, 1xx, 204 and 304 carry none).
     */
    private record Message(byte[] bytes, boolean isHead, boolean interim) {
        /** {@code client}: where to send "100 Continue" when a request expects it (null for responses). */
        static Message read(InputStream in, OutputStream client, boolean response, boolean requestWasHead)
                throws IOException {
            var raw = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                raw.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            String head = raw.toString(StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            long length = 0;
            boolean chunked = false;
            boolean expectContinue = false;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("expect:") && lower.contains("100-continue")) {
                    expectContinue = true;
                }
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(line.substring("content-length:".length()).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            boolean isHead = !response && lines[0].startsWith("HEAD ");
            if (response) {
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                if (status / 100 == 1) {
                    return new Message(raw.toByteArray(), false, true);
                }
                if (requestWasHead || status == 204 || status == 304) {
                    return new Message(raw.toByteArray(), false, false);
                }
            }
            if (expectContinue && client != null) {
                client.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                client.flush();
            }
            if (chunked) {
                copyChunked(in, raw);
            } else {
                raw.write(in.readNBytes((int) length));
            }
            return new Message(raw.toByteArray(), isHead, false);
        }

        private static void copyChunked(InputStream in, ByteArrayOutputStream raw) throws IOException {
            while (true) {
                String sizeLine = line(in, raw);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line(in, raw).isEmpty()) {
                        // trailers
                    }
                    return;
                }
                raw.write(in.readNBytes(size));
                line(in, raw);
            }
        }

        private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
            var text = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                raw.write(b);
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    text.append((char) b);
                }
            }
            return text.toString();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void respond(OutputStream out, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " Fault\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                + "\r\nx-amzn-RequestId: fault-proxy\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        server.close();
    }
}
