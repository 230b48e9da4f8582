package dev.coffer.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy that adds a fixed delay to every backend call, the way DynamoDB and S3
 * answer in milliseconds rather than the embedded servers' fraction of one. On each connection
 * the first bytes of a request (the first client bytes after the server has answered, or the
 * first on a new connection) wait {@code delay} before they go on; the rest of a request body and
 * every answer pass at once. With keep-alive HTTP/1.1 (one request at a time per connection)
 * that is one delay per call, as a network round trip to AWS adds one.
 */
final class DelayProxy implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private DelayProxy(ServerSocket server) {
        this.server = server;
    }

    static DelayProxy start(URI upstream, Duration delay) throws IOException {
        var server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        var proxy = new DelayProxy(server);
        var target = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        Thread.ofVirtual().name("delay-proxy-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket backend = new Socket();
                    backend.connect(target);
                    client.setTcpNoDelay(true);
                    backend.setTcpNoDelay(true);
                    proxy.open.add(client);
                    proxy.open.add(backend);
                    var answered = new boolean[] {true};
                    Thread.ofVirtual().start(() -> pump(client, backend, delay, answered, true));
                    Thread.ofVirtual().start(() -> pump(backend, client, delay, answered, false));
                } catch (IOException e) {
                    // closed, or the backend refused: the client sees its connection dropped
                }
            }
        });
        return proxy;
    }

    /** Copies from → to; the request direction waits {@code delay} before each new request. */
    private static void pump(Socket from, Socket to, Duration delay, boolean[] answered, boolean requests) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (requests) {
                    boolean newRequest;
                    synchronized (answered) {
                        newRequest = answered[0];
                        answered[0] = false;
                    }
                    if (newRequest) {
                        Thread.sleep(delay);
                    }
                } else {
                    synchronized (answered) {
                        answered[0] = true;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(DelayProxy::close);
    }
}
