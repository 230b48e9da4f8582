package dev.coffer.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A chunked upload whose client goes away: {@code mebibytes} 1 MiB chunks are sent, then the
 * connection's sending side is shut without the final chunk. Raw HTTP/1.1 over a socket, since
 * no real client can be made to do this.
 */
public final class CutOffUpload {
    private CutOffUpload() {
    }

    /** Sends it to Coffer on {@code port} and returns the raw answer (status line, headers, body). */
    public static String send(int port, String token, String path, int mebibytes) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/files/" + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[1024 * 1024];
            for (int i = 0; i < mebibytes; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
