package dev.coffer.aws;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.apache.http.conn.util.PublicSuffixMatcherLoader;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * Makes the HTTP clients under every SDK client Coffer builds (DynamoDB, S3, STS): the one place
 * they are created, so their settings are set once and a test can count how many were opened and
 * closed. Whoever asks for a client owns it and closes it.
 */
@FunctionalInterface
public interface SdkHttpClients {
    Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    int MAX_CONNECTIONS = 256;

    /** A new HTTP client; the caller closes it. */
    SdkHttpClient create();

    /** Apache HTTP clients with Coffer's settings: what production uses. */
    static SdkHttpClients apache() {
        return () -> ApacheHttpClient.builder()
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                // No "Expect: 100-continue" round trip before each S3 PUT: Coffer signs for its own
                // bucket, so a refusal before the body is rare, and a 1 KB upload through Coffer went
                // from 0.60 to 0.80 of the direct SDK's throughput at one client (0.82 -> 1.00 at 16).
                .expectContinueEnabled(false)
                .build();
    }

    /**
     * Loads what the first Apache HTTP client of a JVM would load in its constructor (the default TLS
     * context with the trust store's certificates, the public-suffix list its host name check uses):
     * {@code serve} calls this on a virtual thread as it starts, so that work (~0.1 s) runs beside
     * reading the configuration and starting the embedded servers instead of on the start-up path.
     */
    static void prepare() {
        try {
            SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            // The first client meets and reports the same failure.
        }
        PublicSuffixMatcherLoader.getDefault();
    }
}
