package dev.coffer.bench;

import dev.coffer.local.EmbeddedServers;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up: wall time from launching {@code java -jar target/coffer.jar serve} to
 * {@code /health/ready} answering 200, on the embedded default and in remote mode (against
 * servers already running), and the live heap after start (after a full GC, via jcmd).
 */
final class StartupBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Sample(String mode, long readyMillis, long heapKiB) {
    }

    static List<Sample> run(Path repo, int rounds) throws Exception {
        var samples = new ArrayList<Sample>();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = repo.resolve("target/coffer.jar");
        Path aot = repo.resolve("target/coffer.aot");
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("bench remote target")) {
            for (int i = 0; i < rounds; i++) {
                Path data = Files.createTempDirectory("coffer-bench-start");
                samples.add(once("embedded", java, jar, aot, List.of("--data-dir", data.toString()), Map.of()));
                samples.add(once("remote", java, jar, aot, List.of(), Map.of(
                        "AWS_ACCESS_KEY_ID", EmbeddedServers.ACCESS_KEY_ID,
                        "AWS_SECRET_ACCESS_KEY", EmbeddedServers.SECRET_ACCESS_KEY,
                        "AWS_DYNAMODB_ENDPOINT", stack.dynamoDb().endpoint().toString(),
                        "AWS_ENDPOINT_URL_S3", stack.s3().endpoint().toString(),
                        "SECRET_KEY", "bench-signing-key-0123456789abcdefghijklmnop",
                        "COFFER_HOST", "127.0.0.1")));
            }
        }
        return samples;
    }

    private static Sample once(String mode, Path java, Path jar, Path aot, List<String> extra, Map<String, String> env)
            throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var command = new ArrayList<String>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED"));
        if (Files.exists(aot)) {
            command.add("-XX:AOTCache=" + aot);
        }
        command.addAll(List.of("-jar", jar.toString(), "serve", "--port", Integer.toString(port)));
        command.addAll(extra);
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("COFFER_") || k.equals("PORT"));
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
            long deadline = start + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (process.isAlive() && answers(ready)) {
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    return new Sample(mode, millis, heapAfterGc(process.pid()));
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(mode + " start-up exited with " + process.exitValue());
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException(mode + " was not ready within 60 s");
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static boolean answers(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** Live heap in KiB after a full GC, read with jcmd; -1 when jcmd is not available. */
    private static long heapAfterGc(long pid) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            Process info = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String text = new String(info.getInputStream().readAllBytes());
            info.waitFor(30, TimeUnit.SECONDS);
            Matcher m = USED.matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
