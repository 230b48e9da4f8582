package dev.coffer.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

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
}
