package dev.coffer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback stand-ins for the platform endpoints the AWS SDK reads credentials from: the EC2
 * instance metadata service (IMDSv2: a session token first, then the role's keys) and the ECS/EKS
 * container credentials endpoint. The SDK talks to them as it would on EC2 or ECS; Coffer's code
 * never does. Close to stop.
 */
public final class CredentialEndpoints implements AutoCloseable {
    private static final String IMDS_TOKEN = "imds-session-token";

    private final HttpServer server;
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger credentialRequests = new AtomicInteger();

    private CredentialEndpoints(HttpServer server) {
        this.server = server;
    }

    /** An IMDSv2 stand-in handing out {@code keyId} (and a fixed secret and token) until {@code expiry}. */
    public static CredentialEndpoints imdsV2(String keyId, Instant expiry) {
        var endpoints = new CredentialEndpoints(server());
        endpoints.server.createContext("/latest/api/token", ex -> {
            if (ex.getRequestMethod().equals("PUT") && ex.getRequestHeaders().getFirst("x-aws-ec2-metadata-token-ttl-seconds") != null) {
                endpoints.tokenRequests.incrementAndGet();
                reply(ex, 200, IMDS_TOKEN);
            } else {
                reply(ex, 400, "");
            }
        });
        endpoints.server.createContext("/latest/meta-data/iam/security-credentials/", ex -> {
            if (!IMDS_TOKEN.equals(ex.getRequestHeaders().getFirst("x-aws-ec2-metadata-token"))) {
                reply(ex, 401, "");
            } else if (ex.getRequestURI().getPath().endsWith("/security-credentials/")) {
                reply(ex, 200, "coffer-instance-role");
            } else {
                endpoints.credentialRequests.incrementAndGet();
                reply(ex, 200, "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\"," + keys(keyId, expiry) + "}");
            }
        });
        endpoints.server.start();
        return endpoints;
    }

    /** A container credentials stand-in answering on {@code path} (e.g. /v2/credentials/abc). */
    public static CredentialEndpoints container(String path, String keyId, Instant expiry) {
        var endpoints = new CredentialEndpoints(server());
        endpoints.server.createContext(path, ex -> {
            endpoints.credentialRequests.incrementAndGet();
            reply(ex, 200, "{" + keys(keyId, expiry) + "}");
        });
        endpoints.server.start();
        return endpoints;
    }

    private static String keys(String keyId, Instant expiry) {
        return "\"AccessKeyId\":\"" + keyId + "\",\"SecretAccessKey\":\"endpointSecret0123456789abcdefghijklmno\","
                + "\"Token\":\"endpointSessionToken\",\"Expiration\":\"" + expiry + "\"";
    }

    private static HttpServer server() {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT} plus {@code path}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    public int credentialRequests() {
        return credentialRequests.get();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
