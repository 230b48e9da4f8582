package dev.coffer.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The clients the build generates from the committed OpenAPI documents (openapi-generator, into
 * target/generated-clients/), used for real: each runs an example app's flow against a live Coffer
 * with that app's configuration, as a separate process that knows Coffer only through its client.
 * The flows assert every answer themselves and exit non-zero on the first mismatch.
 *
 * <p>Needs Python with the generated client's packages, Node.js 20+ and a pinned TypeScript
 * compiler: {@code ./run-tests} installs them (scripts/clients.sh); when they cannot be found the
 * test fails and says what is missing, it never skips.
 */
@ExtendWith(SharedEmbeddedServers.class)
class GeneratedClientsTest {
    static final Path PYTHON_CLIENT = Path.of("target/generated-clients/python-dermalens");
    static final Path TYPESCRIPT_CLIENT = Path.of("target/generated-clients/typescript-archpal");
    static final Path TYPESCRIPT_BUILD = Path.of("target/clients-build/examples/clients/archpal_flow.js");
    /** The MAI example's demo key and its hash: the flows also call as a back end on a user's behalf. */
    static final Map<String, String> SERVICE_KEYS = Map.of("COFFER_SERVICE_KEYS", "mai-demo=d45b0b60a1added84dd9a92cbf776c64e457b7fa979901a357e9ef8ee5f5b27f");
    static final long PROCESS_LIMIT_MINUTES = 5;   // a hung child must not hang the suite; not a timing assertion

    record Run(int exitCode, String output) {
    }

    @Test
    void pythonClient_dermalensFlow_againstLiveCoffer(EmbeddedServers stack) throws Exception {
        assertGenerated(PYTHON_CLIENT);
        String python = tool("COFFER_CLIENTS_PYTHON", "a python3 with pydantic, urllib3, python-dateutil and typing-extensions");
        try (var coffer = TestCoffer.startExample(stack, Path.of("examples/dermalens.toml"), SERVICE_KEYS)) {
            Run run = run(List.of(python, "examples/clients/dermalens_flow.py"), Map.of("BASE", base(coffer),
                    "SERVICE_KEY", ExampleAppsTest.MAI_DEMO_KEY, "PYTHONPATH", PYTHON_CLIENT.toAbsolutePath().toString()));

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output()).as(run.output())
                    .contains("ok stored image: ('scans/scan-1.jpg', 11, 'image/jpeg')")
                    .contains("ok downloaded image: b'\\xff\\xd8fake-jpeg'")
                    .contains("ok scan dates: ['2026-01-20', '2026-01-10']")
                    .contains("ok next cursor of the last page: None")
                    .contains("ok session s-1 texts: ['s-1 message 1', 's-1 message 2']")
                    .containsPattern("ok service key caller: \\('[0-9a-f-]{36}', 'service'\\)")
                    .contains("ok scans the service key sees for the user: 3")
                    .contains("ok missing scan problem: (404, 'not_found')")
                    .contains("ok deleted account's token: (401, 'unauthorized')")
                    .contains("ok login after deletion: (401, 'unauthorized')")
                    .doesNotContain("MISMATCH")
                    .endsWith("done\n");
        }
    }

    @Test
    void typescriptClient_archpalFlow_againstLiveCoffer(EmbeddedServers stack) throws Exception {
        assertGenerated(TYPESCRIPT_CLIENT);
        String node = node();
        String tsc = tool("COFFER_TSC", "the TypeScript compiler (tsc)");
        Run compile = run(List.of(tsc, "-p", "examples/clients"), Map.of());
        assertThat(compile.exitCode()).as("tsc -p examples/clients:%n%s", compile.output()).isZero();

        try (var coffer = TestCoffer.startExample(stack, Path.of("examples/archpal.toml"), SERVICE_KEYS)) {
            Run run = run(List.of(node, TYPESCRIPT_BUILD.toString()), Map.of("BASE", base(coffer), "SERVICE_KEY", ExampleAppsTest.MAI_DEMO_KEY));

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output()).as(run.output())
                    .contains("ok c-1 path: \"conversations/c-1.json\"")
                    .contains("ok stale If-Match: {\"status\":412,\"code\":\"precondition_failed\"}")
                    .contains("ok If-None-Match on an existing file: {\"status\":412,\"code\":\"precondition_failed\"}")
                    .contains("ok index: [\"c-1\",\"c-2\"]")
                    .contains("ok files under conversations/: [[\"conversations/c-1.json\",\"conversations/c-2.json\"],null]")
                    .containsPattern("ok service key caller: \\[\"[0-9a-f-]{36}\",\"service\"\\]")
                    .contains("ok c-2 read by the service key: {\"title\":\"second\"}")
                    .contains("ok listing without a token: {\"status\":401,\"code\":\"unauthorized\"}")
                    .doesNotContain("MISMATCH")
                    .endsWith("done\n");
        }
    }

    private static String base(TestCoffer coffer) {
        return "http://127.0.0.1:" + coffer.server().port();
    }

    private static void assertGenerated(Path client) {
        assertThat(client.resolve(".openapi-generator/FILES"))
                .as("no generated client in %s: the build generates it (./mvnw generate-test-resources; not with -Dcodegen.skip=true)", client)
                .exists();
    }

    /**
     * A tool scripts/clients.sh provides: from the environment ./run-tests exported, else by running
     * that script here (it installs only what is missing, from the local wheel folder and npm).
     */
    private static String tool(String variable, String what) throws Exception {
        String exported = System.getenv(variable);
        if (exported != null && !exported.isBlank()) {
            return exported;
        }
        Run ensure = run(List.of("bash", "-c", ". scripts/clients.sh; coffer_ensure_client_tools >&2; echo \"${" + variable + ":-}\""), Map.of());
        String[] lines = ensure.output().strip().split("\n");
        String found = lines[lines.length - 1].strip();
        if (found.isEmpty()) {
            fail("GeneratedClientsTest needs " + what + " and scripts/clients.sh could not provide it ($" + variable
                    + " unset). Fix: run ./run-tests, or install what it names:\n" + ensure.output());
        }
        return found;
    }

    /** Node.js 20 or newer (global fetch), or a failure that says so. */
    private static String node() throws Exception {
        Run version;
        try {
            version = run(List.of("node", "--version"), Map.of());
        } catch (IOException notFound) {
            return fail("GeneratedClientsTest runs the generated TypeScript client with Node.js 20 or newer, and there is no "
                    + "'node' on PATH. Fix: install Node.js 20+ (e.g. apt-get install nodejs npm).");
        }
        Optional<Integer> major = Optional.of(version.output().strip()).filter(v -> v.matches("v\\d+\\..*"))
                .map(v -> Integer.parseInt(v.substring(1, v.indexOf('.'))));
        if (version.exitCode() != 0 || major.isEmpty() || major.get() < 20) {
            fail("GeneratedClientsTest needs Node.js 20 or newer (global fetch); 'node --version' said: " + version.output().strip());
        }
        return "node";
    }

    /** Runs a child process in the project folder; output and errors together. */
    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        Path log = Files.createTempFile("coffer-client-", ".log");
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(PROCESS_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                return fail(String.join(" ", command) + " did not finish in " + PROCESS_LIMIT_MINUTES + " minutes:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
