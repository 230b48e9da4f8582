package dev.coffer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The AWS CLI as an independent client: tests check what Coffer wrote with a tool that shares
 * none of Coffer's code. Found via COFFER_AWS_CLI, the pyenv shim, or PATH.
 */
public final class AwsCli {
    private AwsCli() {
    }

    static String executable() {
        String configured = System.getenv("COFFER_AWS_CLI");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path shim = Path.of(System.getProperty("user.home"), ".pyenv", "shims", "aws");
        return Files.isExecutable(shim) ? shim.toString() : "aws";
    }

    /** Runs {@code aws --endpoint-url ENDPOINT args...} with the embedded default's keys; returns parsed JSON output. */
    public static JsonNode json(URI endpoint, String... args) {
        String out = run(endpoint, args);
        try {
            return out.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("aws printed no JSON: " + out, e);
        }
    }

    public static String run(URI endpoint, String... args) {
        var command = new ArrayList<String>(List.of(executable(), "--endpoint-url", endpoint.toString(), "--output", "json"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().put("AWS_ACCESS_KEY_ID", EmbeddedServers.ACCESS_KEY_ID);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", EmbeddedServers.SECRET_ACCESS_KEY);
        builder.environment().put("AWS_DEFAULT_REGION", EmbeddedServers.REGION);
        builder.environment().remove("AWS_SESSION_TOKEN");
        builder.environment().remove("AWS_PROFILE");
        try {
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("aws " + String.join(" ", args) + " failed: " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the AWS CLI (" + executable() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
