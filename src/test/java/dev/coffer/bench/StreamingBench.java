package dev.coffer.bench;

import dev.coffer.local.EmbeddedServers;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Streaming: a large file up and down through a Coffer child process limited to {@code -Xmx128m}
 * (in remote mode against S3Proxy running in this process, so the limit covers Coffer alone),
 * against the same transfer done directly with the AWS SDK. Reports MB/s and the child's peak RSS.
 */
final class StreamingBench {
    record Result(String what, long bytes, double uploadMbPerS, double downloadMbPerS, long peakRssKiB, boolean intact) {
    }

    static List<Result> run(Path repo, long bytes) throws Exception {
        var results = new ArrayList<Result>();
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("bench streaming target")) {
            S3Client sdk = S3Client.builder().endpointOverride(stack.s3().endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(() -> AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY))
                    .build();
            sdk.createBucket(b -> b.bucket("bench-direct"));
            long t0 = System.nanoTime();
            sdk.putObject(b -> b.bucket("bench-direct").key("big.bin").contentLength(bytes),
                    RequestBody.fromInputStream(new Generated(bytes), bytes));
            double up = mbps(bytes, System.nanoTime() - t0);
            t0 = System.nanoTime();
            long read = drain(sdk.getObject(b -> b.bucket("bench-direct").key("big.bin")));
            double down = mbps(read, System.nanoTime() - t0);
            results.add(new Result("direct SDK", bytes, up, down, -1, read == bytes));
            sdk.deleteObject(b -> b.bucket("bench-direct").key("big.bin"));
            results.add(throughCoffer(repo, stack, bytes));
            sdk.close();
        }
        return results;
    }

    private static Result throughCoffer(Path repo, EmbeddedServers stack, long bytes) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        var builder = new ProcessBuilder(java.toString(), "-Xmx128m", "--enable-native-access=ALL-UNNAMED", "-jar",
                repo.resolve("target/coffer.jar").toString(), "serve", "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("COFFER_"));
        builder.environment().putAll(Map.of(
                "AWS_ACCESS_KEY_ID", EmbeddedServers.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", EmbeddedServers.SECRET_ACCESS_KEY,
                "AWS_DYNAMODB_ENDPOINT", stack.dynamoDb().endpoint().toString(), "AWS_ENDPOINT_URL_S3", stack.s3().endpoint().toString(),
                "SECRET_KEY", "bench-signing-key-0123456789abcdefghijklmnop", "COFFER_HOST", "127.0.0.1", "S3_BUCKET", "bench-coffer"));
        Process process = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI base = URI.create("http://127.0.0.1:" + port);
            waitReady(http, base.resolve("/health/ready"), process);
            String token = mintToken(process.pid());
            long t0 = System.nanoTime();
            var upload = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/files/big.bin"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(bytes)), bytes))
                    .build(), HttpResponse.BodyHandlers.ofString());
            double up = mbps(bytes, System.nanoTime() - t0);
            if (upload.statusCode() != 200) {
                throw new IllegalStateException("upload failed: " + upload.statusCode() + " " + upload.body());
            }
            t0 = System.nanoTime();
            var download = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/files/big.bin"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
            long read = drain(download.body());
            double down = mbps(read, System.nanoTime() - t0);
            return new Result("through Coffer (-Xmx128m)", bytes, up, down, peakRss(process.pid()), read == bytes);
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The child's signing key is known to the bench, so it mints a token as login would. */
    private static String mintToken(long pid) {
        var tokens = new dev.coffer.auth.AccessTokens(dev.coffer.support.Secret.of("bench-signing-key-0123456789abcdefghijklmnop"),
                Duration.ofHours(1), java.time.Clock.systemUTC());
        return tokens.issue(new dev.coffer.identity.UserId("bench-user-" + pid));
    }

    private static void waitReady(HttpClient http, URI ready, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Coffer did not become ready");
    }

    private static long peakRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    private static long drain(InputStream in) throws java.io.IOException {
        try (in) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
            }
            return total;
        }
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    /** Bytes made on the fly. */
    static final class Generated extends InputStream {
        private final long size;
        private long position;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) (position++ & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (position++ & 0xff);
            }
            return n;
        }
    }
}
