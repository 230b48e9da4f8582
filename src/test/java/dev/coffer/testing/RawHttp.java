package dev.coffer.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Requests no well-behaved client would send (malformed URIs, hostile paths), over a plain socket. */
public final class RawHttp {
    private RawHttp() {
    }

    /** Sends {@code request} as it is (ISO-8859-1) and returns everything the server answers until it closes. */
    public static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A GET of {@code rawPath} on a connection that closes after the answer. */
    public static String get(int port, String rawPath) throws IOException {
        return exchange(port, "GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    /** A kept-alive connection from a chosen local address (any of 127/8 on Linux), for several requests. */
    public static KeptAlive open(InetAddress from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(30_000);
        return new KeptAlive(socket);
    }

    /** One connection; {@link #send} writes a request and reads one answer (headers and a Content-Length body). */
    public static final class KeptAlive implements AutoCloseable {
        private final Socket socket;

        private KeptAlive(Socket socket) {
            this.socket = socket;
        }

        /**
         * Sends {@code request} and returns the answer's head and body, or null when the server
         * closed the connection (or reset it) without answering.
         */
        public String send(String request) throws IOException {
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                var head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
                    }
                    head.write(b);
                }
                String text = head.toString(StandardCharsets.ISO_8859_1);
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
            } catch (java.net.SocketException reset) {
                return null;
            }
        }

        public String get(String path) throws IOException {
            return send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
