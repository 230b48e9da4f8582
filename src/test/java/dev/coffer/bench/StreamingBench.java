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

    /**
     * One round of the interleaved downloads: the direct SDK's and then Coffer's, back to back, with
     * the CPU seconds each process spent on it (the bench process holds S3Proxy and the client) and
     * the load average before the round.
     */
    record Round(int round, String coffer, double directMbPerS, double cofferMbPerS, double directBenchCpuS, double cofferBenchCpuS,
                 double cofferCpuS, String load) {
    }

    /** The results, then the interleaved download rounds ({@code coffer.bench.downloads}, default 1). */
    record Run(List<Result> results, List<Round> rounds) {
    }

    /** Extra JVM options for the Coffer child (e.g. a JFR recording), from {@code coffer.bench.coffer.opts}. */
    private static List<String> childOptions() {
        String opts = System.getProperty("coffer.bench.coffer.opts", "").trim();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    static Run run(Path repo, long bytes) throws Exception {
        int rounds = Integer.getInteger("coffer.bench.downloads", 1);
        var results = new ArrayList<Result>();
        var roundsDone = new ArrayList<Round>();
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("bench streaming target")) {
            S3Client sdk = S3Client.builder().endpointOverride(stack.s3().endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(() -> AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY))
                    .build();
            sdk.createBucket(b -> b.bucket("bench-direct"));
            long t0 = System.nanoTime();
            sdk.putObject(b -> b.bucket("bench-direct").key("big.bin").contentLength(bytes),
                    RequestBody.fromInputStream(new Generated(bytes), bytes));
            double up = mbps(bytes, System.nanoTime() - t0);
            Transfer direct = directDownload(sdk);
            results.add(new Result("direct SDK", bytes, up, direct.mbps(), -1, direct.bytes() == bytes));
            // coffer.bench.compare names another checkout (its target/coffer.jar): a second child,
            // downloaded from in the same rounds, for A/B runs on a machine whose load keeps changing.
            String compare = System.getProperty("coffer.bench.compare", "");
            try (var coffer = Child.start(repo, stack);
                 var other = compare.isEmpty() ? null : Child.start(Path.of(compare), stack)) {
                results.add(coffer.uploadAndDownload(bytes));
                if (other != null) {
                    Result r = other.uploadAndDownload(bytes);
                    results.add(new Result("through Coffer of " + compare + " (-Xmx128m)", r.bytes(), r.uploadMbPerS(),
                            r.downloadMbPerS(), r.peakRssKiB(), r.intact()));
                }
                for (int i = 1; i <= rounds; i++) {
                    String load = loadAverage();
                    Transfer d = directDownload(sdk);
                    boolean otherFirst = other != null && i % 2 == 0;
                    Transfer o = otherFirst ? other.download() : null;
                    Transfer c = coffer.download();
                    if (other != null && !otherFirst) {
                        o = other.download();
                    }
                    if (d.bytes() != bytes || c.bytes() != bytes || (o != null && o.bytes() != bytes)) {
                        throw new IllegalStateException("a download came back short");
                    }
                    roundsDone.add(new Round(i, "this", d.mbps(), c.mbps(), d.benchCpuS(), c.benchCpuS(), c.cofferCpuS(), load));
                    if (o != null) {
                        roundsDone.add(new Round(i, compare, d.mbps(), o.mbps(), d.benchCpuS(), o.benchCpuS(), o.cofferCpuS(), load));
                    }
                }
            }
            sdk.deleteObject(b -> b.bucket("bench-direct").key("big.bin"));
            sdk.close();
        }
        return new Run(results, roundsDone);
    }

    /** One download: bytes, MB/s, and the CPU seconds the bench process and (for Coffer) the child spent. */
    private record Transfer(long bytes, double mbps, double benchCpuS, double cofferCpuS) {
    }

    private static Transfer directDownload(S3Client sdk) throws java.io.IOException {
        double cpu0 = cpuSeconds(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        long read = drain(sdk.getObject(b -> b.bucket("bench-direct").key("big.bin")));
        long nanos = System.nanoTime() - t0;
        return new Transfer(read, mbps(read, nanos), cpuSeconds(ProcessHandle.current().pid()) - cpu0, 0);
    }

    /** Coffer in a child JVM limited to -Xmx128m, in remote mode against the bench's S3Proxy and DynamoDB Local. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final HttpClient http;
        private final URI base;
        private final String token;
        /**
         * Downloads are read with Apache HttpClient, the client under the direct side's SDK, so both
         * sides read alike: the JDK HttpClient cost the bench process 3-5 s more CPU per GiB than the
         * SDK (2026-12-01, 512 MiB: 4.8-6.7 vs 1.7-1.9 s/GiB), taken from the same 2 cores as Coffer.
         */
        private final org.apache.http.impl.client.CloseableHttpClient downloader =
                org.apache.http.impl.client.HttpClients.createMinimal();

        private Child(Process process, HttpClient http, URI base, String token) {
            this.process = process;
            this.http = http;
            this.base = base;
            this.token = token;
        }

        static Child start(Path repo, EmbeddedServers stack) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            var command = new ArrayList<String>(List.of(java.toString(), "-Xmx128m", "--enable-native-access=ALL-UNNAMED"));
            command.addAll(childOptions());
            command.addAll(List.of("-jar", repo.resolve("target/coffer.jar").toString(), "serve", "--port", Integer.toString(port)));
            String log = System.getProperty("coffer.bench.coffer.log", "");
            var builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.isEmpty() ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(new java.io.File(log)));
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
                return new Child(process, http, base, mintToken(process.pid()));
            } catch (Exception e) {
                process.destroy();
                throw e;
            }
        }

        Result uploadAndDownload(long bytes) throws Exception {
            long t0 = System.nanoTime();
            var upload = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/files/big.bin"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(bytes)), bytes))
                    .build(), HttpResponse.BodyHandlers.ofString());
            double up = mbps(bytes, System.nanoTime() - t0);
            if (upload.statusCode() != 200) {
                throw new IllegalStateException("upload failed: " + upload.statusCode() + " " + upload.body());
            }
            Transfer down = download();
            return new Result("through Coffer (-Xmx128m)", bytes, up, down.mbps(), peakRss(process.pid()), down.bytes() == bytes);
        }

        Transfer download() throws Exception {
            double bench0 = cpuSeconds(ProcessHandle.current().pid());
            double coffer0 = cpuSeconds(process.pid());
            long t0 = System.nanoTime();
            long read;
            var get = new org.apache.http.client.methods.HttpGet(base.resolve("/api/v1/files/big.bin"));
            get.setHeader("Authorization", "Bearer " + token);
            try (var download = downloader.execute(get)) {
                if (download.getStatusLine().getStatusCode() != 200) {
                    throw new IllegalStateException("download failed: " + download.getStatusLine());
                }
                read = drain(download.getEntity().getContent());
            }
            long nanos = System.nanoTime() - t0;
            return new Transfer(read, mbps(read, nanos), cpuSeconds(ProcessHandle.current().pid()) - bench0,
                    cpuSeconds(process.pid()) - coffer0);
        }

        @Override
        public void close() throws InterruptedException, java.io.IOException {
            downloader.close();
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** User plus system CPU seconds of process {@code pid} so far (/proc/PID/stat, in clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** The child's signing key is known to the bench, so it mints a token as login would. */
    private static String mintToken(long pid) {
        var tokens = new dev.coffer.auth.AccessTokens(dev.coffer.support.Secret.of("bench-signing-key-0123456789abcdefghijklmnop"),
                Duration.ofHours(1), java.time.Clock.systemUTC());
        return tokens.issue(new dev.coffer.identity.UserId("bench-user-" + pid));
    }

    private static void waitReady(HttpClient http, URI ready, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
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
