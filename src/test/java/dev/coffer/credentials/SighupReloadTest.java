package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import dev.coffer.testing.SharedEmbeddedServers;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** `kill -HUP` on a running `coffer serve` re-reads .env and swaps in the renewed session keys. */
@ExtendWith(SharedEmbeddedServers.class)
class SighupReloadTest {
    private static String env(EmbeddedServers stack, Instant expiry, int port, Path data) {
        return "AWS_ACCESS_KEY_ID=" + EmbeddedServers.ACCESS_KEY_ID + "\nAWS_SECRET_ACCESS_KEY=" + EmbeddedServers.SECRET_ACCESS_KEY
                + "\nAWS_SESSION_TOKEN=session-token-one\nAWS_CREDENTIAL_EXPIRATION=" + expiry
                + "\nAWS_DYNAMODB_ENDPOINT=" + stack.dynamoDb().endpoint() + "\nAWS_ENDPOINT_URL_S3=" + stack.s3().endpoint()
                + "\nSECRET_KEY=sighup-test-signing-key-0123456789abcdefghij\nCOFFER_PORT=" + port + "\nCOFFER_HOST=127.0.0.1"
                + "\nCOFFER_HEALTH_CACHE_TTL=0s\nCOFFER_DATA_DIR=" + data + "\nCOFFER_USERS_TABLE=sighup-users\nS3_BUCKET=sighup-files\n";
    }

    @Test
    void hangup_reloadsDotEnv_newExpiryInHealth(EmbeddedServers stack) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("sighup");
        Path dotEnv = dir.resolve(".env");
        Instant first = Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant renewed = Instant.now().plusSeconds(8 * 3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Files.writeString(dotEnv, env(stack, first, port, dir.resolve("data")));
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.coffer.cli.Main", "serve", "--env-file", dotEnv.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("COFFER_") || k.equals("PORT"));
        Process process = builder.start();
        try {
            URI health = URI.create("http://127.0.0.1:" + port + "/health");
            JsonNode before = awaitCredentials(health, process, first);
            assertThat(before.path("status").asText()).isEqualTo("expiring");

            Files.writeString(dotEnv, env(stack, renewed, port, dir.resolve("data")));
            new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);

            JsonNode after = awaitCredentials(health, process, renewed);
            assertThat(after.path("status").asText()).isEqualTo("valid");
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Polls /health until the credentials report {@code expiry} (bounded: 60 s), waiting on the process, not timing it. */
    private static JsonNode awaitCredentials(URI health, Process process, Instant expiry) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                last = Json.mapper().readTree(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .path("credentials");
                if (expiry.toString().equals(last.path("expires_at").asText())) {
                    return last;
                }
            } catch (java.io.IOException starting) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("credentials never reported expiry " + expiry + "; last: " + last);
    }
}
