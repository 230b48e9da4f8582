package dev.coffer.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real moto server (STS, IAM, S3 ... as moto implements them) on a free loopback port, started
 * from the Python that has moto (COFFER_MOTO_PYTHON, the pyenv shim, or python3). With
 * {@code noAuthActions >= 0}, moto enforces IAM policies after that many requests, so a key
 * without a permission really gets AccessDenied.
 */
public final class MotoServer implements AutoCloseable {
    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static MotoServer start(int noAuthActions) {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var builder = new ProcessBuilder(python(), "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        if (noAuthActions >= 0) {
            builder.environment().put("INITIAL_NO_AUTH_ACTION_COUNT", Integer.toString(noAuthActions));
        }
        try {
            Process process = builder.start();
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            awaitReady(process, endpoint);
            return new MotoServer(process, endpoint);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto (" + python() + " -m moto.server); run ./run-tests to install it", e);
        }
    }

    private static void awaitReady(Process process, URI endpoint) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto exited with " + process.exitValue());
            }
            try {
                http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);   // waiting for a process to come up, not timing a test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("moto did not start within 60 s");
    }

    static String python() {
        String configured = System.getenv("COFFER_MOTO_PYTHON");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path shim = Path.of(System.getProperty("user.home"), ".pyenv", "shims", "python3");
        return Files.isExecutable(shim) ? shim.toString() : "python3";
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Runs the AWS CLI against this moto with the given keys (for setting up users, roles, policies). */
    public String cli(String accessKeyId, String secret, List<String> args) {
        var command = new java.util.ArrayList<String>(List.of(AwsCli.executable(), "--endpoint-url", endpoint.toString(),
                "--output", "json", "--region", "us-east-1"));
        command.addAll(args);
        var builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().put("AWS_ACCESS_KEY_ID", accessKeyId);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", secret);
        try {
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("aws " + args + " failed: " + err);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
