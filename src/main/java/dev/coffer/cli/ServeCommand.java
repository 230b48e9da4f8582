package dev.coffer.cli;

import dev.coffer.app.CofferServer;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.ConfigException;
import dev.coffer.config.ConfigLoader;
import dev.coffer.config.ConfigKeys;
import dev.coffer.config.DeploymentMode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.logging.LogSetup;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve",
        description = {"Run the HTTP API.",
            "With no AWS configured it runs on the embedded default (DynamoDB Local and S3Proxy inside this process, "
                + "data in the data dir); with AWS keys, a role or endpoints configured, against AWS or a compatible "
                + "service. Creates missing tables and the bucket first (provision.on_start).",
            "Configuration: coffer.toml (--config), .env (--env-file), the environment, then these flags, in rising "
                + "precedence. Environment variables that look like Coffer or AWS settings but are not used are logged "
                + "as warnings at start-up."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coffer serve                      embedded default on 127.0.0.1:8080",
            "  coffer serve --port 9000 --data-dir /var/lib/coffer",
            "  coffer serve --config coffer.toml --env-file prod.env --log-format json",
            "  AWS_REGION=eu-west-1 AWS_S3_BUCKET=my-files coffer serve",
            "  kill -HUP <pid>                   re-read .env and coffer.toml, swap in",
            "                                    the new credentials once checked"})
final class ServeCommand implements Callable<Integer> {
    /** Set by the launcher and the Docker image to the mode the class-data cache in use was trained in. */
    static final String CACHE_PROPERTY = "coffer.class_data_cache";
    private static final Set<ErrorCode> CREDENTIAL_FAILURES = Set.of(ErrorCode.NO_CREDENTIALS,
            ErrorCode.EXPIRED_CREDENTIALS, ErrorCode.INVALID_ACCESS_KEY, ErrorCode.SIGNATURE_MISMATCH,
            ErrorCode.ACCESS_DENIED, ErrorCode.CLOCK_SKEW, ErrorCode.WRONG_ACCOUNT);

    @Mixin
    HelpOption help;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--port", paramLabel = "PORT",
            description = "HTTP port, 0 for any free one. Default 8080 (key server.port; also PORT, COFFER_PORT).")
    String port;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Listen address. Default 127.0.0.1 on the embedded default, 0.0.0.0 against AWS (key server.host).")
    String host;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data folder of the embedded default. Default coffer-data in the working directory (key local.data_dir).")
    Path dataDir;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: one object per line (key log.format).")
    String logFormat;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Start, answer one /health, stop: the launcher's class-data training run.")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        Thread.ofVirtual().name("prepare-http-clients").start(SdkHttpClients::prepare);
        LogSetup.configure(false, "info");
        var flags = ConfigOptions.flags();
        putIf(flags, ConfigKeys.SERVER_PORT.name(), port);
        putIf(flags, ConfigKeys.SERVER_HOST.name(), host);
        putIf(flags, ConfigKeys.LOCAL_DATA_DIR.name(), dataDir == null ? null : dataDir.toString());
        putIf(flags, ConfigKeys.LOG_FORMAT.name(), logFormat);
        ConfigLoader.Loaded loaded;
        try {
            loaded = configOptions.load(flags);
        } catch (ConfigException e) {
            System.err.println("coffer: configuration error: " + e.getMessage());
            return Main.EXIT_CONFIG;
        }
        CofferConfig config = loaded.config();
        LogSetup.configure(config.log().json(), config.log().level());
        logWarnings(loaded);
        CofferServer server;
        try {
            server = CofferServer.start(config, Clock.systemUTC());
        } catch (ConfigException e) {
            System.err.println("coffer: configuration error: " + e.getMessage());
            return Main.EXIT_CONFIG;
        } catch (CofferException e) {
            System.err.println("coffer: cannot start: " + e.oneLine());
            return exitCodeFor(e);
        } catch (Exception e) {
            // Unexpected: one line for the operator, the trace in the log for whoever debugs it.
            org.slf4j.LoggerFactory.getLogger(ServeCommand.class).debug("start-up failed", e);
            System.err.println("coffer: cannot start: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + " (run with COFFER_LOG_LEVEL=debug for details)");
            return Main.EXIT_FAILURE;
        }
        if (exitWhenReady) {
            var client = java.net.http.HttpClient.newHttpClient();
            var response = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            server.close();
            return response.statusCode() == 200 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        classDataCacheHint(config.mode(), System.getProperty(CACHE_PROPERTY))
                .ifPresent(hint -> org.slf4j.LoggerFactory.getLogger(ServeCommand.class).info(hint));
        installReloadOnHangup(server, flags);
        // Start-up's garbage (the embedded servers' set-up, provisioning, the dummy argon2 hash's 19 MiB arrays, which
        // go straight to the old generation) fills the old generation, which the serial GC grows instead of collecting
        // and gives back to the OS only after a full collection (at once with -XX:-ShrinkHeapInSteps): one when the
        // background start-up work is done keeps ~30 MiB out of idle RSS (BENCHMARKS.md, "memory"). The pause is tens of ms.
        server.backgroundStart().whenComplete((done, failed) -> System.gc());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }, "coffer-shutdown"));
        server.awaitShutdown();
        return Main.EXIT_OK;
    }

    /** SIGHUP re-reads the configuration (.env, coffer.toml) and swaps in its credentials once checked. */
    private void installReloadOnHangup(CofferServer server, java.util.Map<String, String> flags) {
        var log = org.slf4j.LoggerFactory.getLogger(ServeCommand.class);
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofVirtual().name("credentials-reload").start(() -> {
                try {
                    ConfigLoader.Loaded reloaded = configOptions.load(flags);
                    logWarnings(reloaded);
                    server.reloadCredentials(reloaded.config());
                } catch (ConfigException e) {
                    log.error("credentials not reloaded: configuration error: {}", e.getMessage());
                } catch (CofferException e) {
                    log.error("credentials not reloaded, the previous ones stay in use: {}", e.oneLine());
                }
            }));
        } catch (IllegalArgumentException unsupported) {
            log.debug("SIGHUP is not available on this platform; credentials reload needs a restart");
        }
    }

    /** One line each, on the {@code config} logger (the log shows it as {@code WARN config - ...}). */
    private static void logWarnings(ConfigLoader.Loaded loaded) {
        var log = org.slf4j.LoggerFactory.getLogger("dev.coffer.config");
        loaded.warnings().forEach(w -> log.warn(w.message()));
    }

    /**
     * A line for a start whose class-data cache was trained for the other mode: the JVM loads every
     * class in a cache at start, so the embedded default's cache costs a Coffer against AWS start-up
     * time and memory (BENCHMARKS.md), and the launcher cannot know the mode before the
     * configuration is read. {@code trainedFor} is what the launcher or image says ({@value #CACHE_PROPERTY}).
     */
    static java.util.Optional<String> classDataCacheHint(DeploymentMode mode, String trainedFor) {
        if (mode == DeploymentMode.REMOTE && "embedded".equals(trainedFor)) {
            return java.util.Optional.of("this start's class-data cache was trained on the embedded default; against AWS, one "
                    + "trained in remote mode starts sooner and holds less memory (./coffer: COFFER_AOT=remote; otherwise "
                    + "scripts/train-cache --remote; README, JVM options)");
        }
        if (mode == DeploymentMode.LOCAL && "remote".equals(trainedFor)) {
            return java.util.Optional.of("this start's class-data cache was trained in remote mode; on the embedded default, "
                    + "one trained there starts sooner (./coffer: COFFER_AOT=on; README, JVM options)");
        }
        return java.util.Optional.empty();
    }

    /** Exit code 3 for credential failures, 1 for the rest. */
    static int exitCodeFor(CofferException e) {
        return CREDENTIAL_FAILURES.contains(e.code()) ? Main.EXIT_CREDENTIALS : Main.EXIT_FAILURE;
    }

    private static void putIf(java.util.Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
