package dev.coffer.testing;

import dev.coffer.support.Json;
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
        return start(noAuthActions, List.of("-m", "moto.server"), java.util.Map.of());
    }

    /**
     * moto with IAM enforced on the request context real IAM evaluates: DynamoDB table and index
     * ARNs, per-item checks of TransactWriteItems and DeleteObjects, the s3:prefix condition key.
     * See src/test/resources/moto/moto_iam_server.py for the gaps of moto it fills and why.
     * Every allowed request context is appended to {@code authorizationLog} as a JSON line
     * ({@code principal}, {@code action}, {@code resource}, {@code conditions}).
     */
    public static MotoServer startWithResourceAuthorization(int noAuthActions, Path authorizationLog) {
        try {
            Path launcher = Path.of(MotoServer.class.getResource("/moto/moto_iam_server.py").toURI());
            return start(noAuthActions, List.of(launcher.toString()),
                    java.util.Map.of("COFFER_MOTO_AUTHORIZATION_LOG", authorizationLog.toString()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MotoServer start(int noAuthActions, List<String> program, java.util.Map<String, String> environment) {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var command = new java.util.ArrayList<String>(List.of(python()));
        command.addAll(program);
        command.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().putAll(environment);
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

    /** Keys of an IAM user. */
    public record AccessKey(String id, String secret) {
    }

    /**
     * Creates an IAM user allowed everything, with the first requests moto lets through unsigned
     * (start with {@code noAuthActions >= 3}); later set-up goes through its keys.
     */
    public AccessKey bootstrapAdmin() {
        String setup = "AKIASETUP00000000001";
        cli(setup, "setup", List.of("iam", "create-user", "--user-name", "admin"));
        var key = json(cli(setup, "setup", List.of("iam", "create-access-key", "--user-name", "admin"))).path("AccessKey");
        cli(setup, "setup", List.of("iam", "put-user-policy", "--user-name", "admin", "--policy-name", "all",
                "--policy-document", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        return new AccessKey(key.path("AccessKeyId").asText(), key.path("SecretAccessKey").asText());
    }

    /** Creates IAM user {@code name} with one inline policy, and returns its keys. */
    public AccessKey createUser(AccessKey admin, String name, String policyDocument) {
        cli(admin.id(), admin.secret(), List.of("iam", "create-user", "--user-name", name));
        putUserPolicy(admin, name, policyDocument);
        var key = json(cli(admin.id(), admin.secret(), List.of("iam", "create-access-key", "--user-name", name))).path("AccessKey");
        return new AccessKey(key.path("AccessKeyId").asText(), key.path("SecretAccessKey").asText());
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("moto answered no JSON: " + text, e);
        }
    }

    /** Replaces the user's inline policy; moto applies it from the next request. */
    public void putUserPolicy(AccessKey admin, String user, String policyDocument) {
        cli(admin.id(), admin.secret(), List.of("iam", "put-user-policy", "--user-name", user, "--policy-name", "coffer",
                "--policy-document", policyDocument));
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
