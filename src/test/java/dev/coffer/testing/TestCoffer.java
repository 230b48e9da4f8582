package dev.coffer.testing;

import dev.coffer.app.CofferServer;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.ConfigLoader;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A real Coffer server for a test: configuration loaded through the same loader as
 * {@code coffer serve} (a coffer.toml text and environment variables), running against a
 * {@link EmbeddedServers} on a free port. Close it at the end of the test (try-with-resources or
 * {@code @AfterAll}).
 */
public final class TestCoffer implements AutoCloseable {
    private final CofferServer server;
    private final Http http;
    private final Path dataDir;

    private TestCoffer(CofferServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.http = new Http(URI.create("http://127.0.0.1:" + server.port() + "/"), true).loadContract();
    }

    /** Coffer on the embedded default (local mode) against {@code stack}, with {@code toml} and {@code env}. */
    public static TestCoffer start(EmbeddedServers stack, String toml, Map<String, String> env) {
        return start(stack, toml, env, Clock.systemUTC());
    }

    public static TestCoffer start(EmbeddedServers stack, String toml, Map<String, String> env, Clock clock) {
        CofferConfig config = config(toml, env);
        return new TestCoffer(CofferServer.start(config, Optional.of(stack), clock), config.dataDir());
    }

    /**
     * Coffer on the embedded default with an example's own coffer.toml, keeping its table and
     * bucket names (so the layout can be checked), on a free port and a fresh data dir.
     */
    public static TestCoffer startExample(EmbeddedServers stack, Path tomlFile, Map<String, String> env) {
        try {
            Path dir = Files.createTempDirectory("coffer-example-");
            var flags = new HashMap<String, String>(Map.of("server.port", "0", "local.data_dir", dir.resolve("data").toString()));
            var environment = new HashMap<String, String>(Map.of("COFFER_HEALTH_CACHE_TTL", "0s",
                    "COFFER_AUTH_ARGON2_MEMORY_KIB", "1024", "COFFER_AUTH_ARGON2_ITERATIONS", "1"));
            environment.putAll(env);
            CofferConfig config = ConfigLoader.load(new ConfigLoader.Sources(Optional.of(tomlFile), Optional.empty(), environment, flags));
            return new TestCoffer(CofferServer.start(config, Optional.of(stack), Clock.systemUTC()), config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The environment of a remote-mode Coffer against {@code dynamoDb} and {@code s3} (the embedded
     * servers, or fault proxies in front of them) with the embedded servers' keys and a test
     * signing key; mutable, for a test's own additions.
     */
    public static Map<String, String> remoteEnv(URI dynamoDb, URI s3) {
        var env = new HashMap<String, String>();
        env.put("AWS_ACCESS_KEY_ID", EmbeddedServers.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedServers.SECRET_ACCESS_KEY);
        env.put("AWS_DYNAMODB_ENDPOINT", dynamoDb.toString());
        env.put("AWS_ENDPOINT_URL_S3", s3.toString());
        env.put("SECRET_KEY", "remote-test-signing-key-0123456789abcdefgh");
        // No stream readers: they poll DynamoDB on their own, and the tests that reach DynamoDB
        // through a counting or faulting proxy must see only their requests' calls. Live updates
        // are tested on the shared embedded servers (LiveUpdatesTest, BehindBalancerTest).
        env.put("COFFER_EVENTS_MAX_STREAMS", "0");
        return env;
    }

    /** Coffer in remote mode: the configuration names the endpoints and credentials itself. */
    public static TestCoffer startRemote(CofferConfig config) {
        return startRemote(config, Clock.systemUTC());
    }

    public static TestCoffer startRemote(CofferConfig config, Clock clock) {
        return new TestCoffer(CofferServer.start(config, Optional.empty(), clock), config.dataDir());
    }

    /** Loads configuration as {@code coffer serve} would, on port 0 and a fresh data dir. */
    public static CofferConfig config(String toml, Map<String, String> env) {
        try {
            Path dir = Files.createTempDirectory("coffer-test-");
            Path tomlFile = dir.resolve("coffer.toml");
            Files.writeString(tomlFile, toml == null ? "" : toml);
            var flags = new HashMap<String, String>();
            flags.put("server.port", "0");
            flags.put("local.data_dir", dir.resolve("data").toString());
            // Unique table and bucket names keep tests sharing one stack out of each other's way.
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            var environment = new HashMap<String, String>();
            environment.put("COFFER_USERS_TABLE", "users-" + suffix);
            environment.put("S3_BUCKET", "files-" + suffix);
            environment.put("COFFER_HEALTH_CACHE_TTL", "0s");
            // Cheap hashes keep the suite fast; production defaults are tested in the auth tests.
            environment.put("COFFER_AUTH_ARGON2_MEMORY_KIB", "1024");
            environment.put("COFFER_AUTH_ARGON2_ITERATIONS", "1");
            environment.putAll(env);
            return ConfigLoader.load(new ConfigLoader.Sources(Optional.of(tomlFile), Optional.empty(), environment, flags));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Http http() {
        return http;
    }

    public CofferServer server() {
        return server;
    }

    /** A valid access token for {@code userId}, as login would issue. */
    public String tokenFor(String userId) {
        return server.accessTokens().issue(new UserId(userId));
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
