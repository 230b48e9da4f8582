package dev.coffer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.coffer.support.Cidr;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds {@link CofferConfig} from {@code coffer.toml}, a {@code .env} file and the environment,
 * in rising precedence (environment wins), with command-line flags above all. Every rejected
 * value throws {@link ConfigException} naming the key.
 */
public final class ConfigLoader {
    public static final String SOURCE_TOML = "coffer.toml";
    public static final String SOURCE_DOTENV = ".env";
    public static final String SOURCE_ENV = "environment";
    public static final String SOURCE_FLAG = "command line";

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]]+");
    private static final Set<String> STRUCTURED_TABLES = Set.of("collections");

    private ConfigLoader() {
    }

    /** Inputs to one load; {@code flags} are {@code key -> value} set on the command line. */
    public record Sources(Optional<Path> tomlFile, Optional<Path> dotEnvFile, Map<String, String> environment,
                          Map<String, String> flags) {
    }

    /** The configuration and what was configured but will not be used ({@link ConfigWarning}s, sorted by variable). */
    public record Loaded(CofferConfig config, List<ConfigWarning> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    /** The configuration alone; {@link #read} also says what is configured but unused. */
    public static CofferConfig load(Sources sources) {
        return read(sources).config();
    }

    public static Loaded read(Sources sources) {
        return read(settings(sources), collectionsNode(sources.tomlFile()));
    }

    /**
     * The configuration of {@code settings} and the collections table of coffer.toml, and the
     * warnings for every watched environment variable (see {@link EnvironmentNames}) that is not
     * used. Pure: the caller decides where the warnings go.
     */
    public static Loaded read(Settings settings, JsonNode collections) {
        CofferConfig config = fromSettings(settings, collections);
        return new Loaded(config, EnvironmentNames.warnings(settings.variables(), config.collections().keySet()));
    }

    /** The structured {@code [collections]} table of coffer.toml, or null. */
    public static JsonNode collectionsNode(Optional<Path> tomlFile) {
        return tomlFile.map(ConfigLoader::readTree).map(root -> root.get("collections")).orElse(null);
    }

    private static JsonNode readTree(Path file) {
        try {
            return new TomlMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(file.toString(), "cannot read TOML: " + reason);
        }
    }

    /** The merged raw settings; also used by {@code doctor} to say where each value came from. */
    public static Settings settings(Sources sources) {
        var merged = new HashMap<String, Setting>();
        sources.tomlFile().ifPresent(file -> readToml(file).forEach((k, v) -> merged.put(k, new Setting(v, SOURCE_TOML))));
        Map<String, String> dotEnv = sources.dotEnvFile().filter(Files::isRegularFile).map(DotEnv::read).orElse(Map.of());
        fromEnvNames(dotEnv, SOURCE_DOTENV, merged);
        fromEnvNames(sources.environment(), SOURCE_ENV, merged);
        sources.flags().forEach((k, v) -> {
            if (v != null) {
                merged.put(k, new Setting(v, SOURCE_FLAG));
            }
        });
        return new Settings(merged, new EnvironmentNames.Variables(dotEnv, sources.environment()));
    }

    private static void fromEnvNames(Map<String, String> env, String source, Map<String, Setting> into) {
        for (ConfigKey key : ConfigKeys.all()) {
            // The first name in the list wins when several are set (canonical before aliases).
            for (String envName : key.envNames()) {
                String value = env.get(envName);
                if (value != null && !value.isBlank()) {
                    into.put(key.name(), new Setting(value, source));
                    break;
                }
            }
        }
    }

    static Map<String, String> readToml(Path file) {
        JsonNode root = readTree(file);
        var flat = new HashMap<String, String>();
        flatten("", root, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (prefix.isEmpty() && STRUCTURED_TABLES.contains(field.getKey())) {
                continue;
            }
            if (value.isObject()) {
                flatten(key, value, out);
            } else if (ConfigKeys.byName(key).isEmpty()) {
                throw new ConfigException(key, "unknown key in coffer.toml (see the configuration reference in README.md)");
            } else if (value.isContainerNode()) {
                throw new ConfigException(key, "expected a single value, not a list");
            } else {
                out.put(key, value.asText());
            }
        }
    }

    /** Turns raw settings into the typed configuration, validating every value. */
    public static CofferConfig fromSettings(Settings s, JsonNode collections) {
        Optional<URI> anyEndpoint = s.url(ConfigKeys.AWS_ENDPOINT);
        Optional<URI> dynamodbEndpoint = s.url(ConfigKeys.AWS_DYNAMODB_ENDPOINT).or(() -> anyEndpoint);
        Optional<URI> s3Endpoint = s.url(ConfigKeys.AWS_S3_ENDPOINT).or(() -> anyEndpoint);
        Optional<URI> stsEndpoint = s.url(ConfigKeys.AWS_STS_ENDPOINT).or(() -> anyEndpoint);

        boolean awsConfigured = dynamodbEndpoint.isPresent() || s3Endpoint.isPresent()
                || s.has(ConfigKeys.ACCESS_KEY_ID) || s.has(ConfigKeys.SECRET_ACCESS_KEY)
                || s.has(ConfigKeys.CONTAINER_FULL_URI) || s.has(ConfigKeys.CONTAINER_RELATIVE_URI)
                || s.has(ConfigKeys.WEB_IDENTITY_TOKEN_FILE);
        CredentialsMode requestedMode = CredentialsMode.parse(s.oneOf(ConfigKeys.CREDENTIALS_MODE,
                awsConfigured ? CredentialsMode.AUTO.label() : CredentialsMode.LOCAL.label(),
                java.util.Arrays.stream(CredentialsMode.values()).map(CredentialsMode::label)
                        .collect(java.util.stream.Collectors.toSet()))).orElseThrow();
        DeploymentMode mode = requestedMode == CredentialsMode.LOCAL ? DeploymentMode.LOCAL : DeploymentMode.REMOTE;
        if (mode == DeploymentMode.LOCAL && awsConfigured) {
            throw s.invalid(ConfigKeys.CREDENTIALS_MODE,
                    "'local' runs the embedded servers, but AWS keys or endpoints are configured too; remove one of them");
        }

        String host = s.string(ConfigKeys.SERVER_HOST, mode == DeploymentMode.LOCAL ? "127.0.0.1" : "0.0.0.0");
        if (!HOST.matcher(host).matches()) {
            throw s.invalid(ConfigKeys.SERVER_HOST, "'" + host + "' is not a host name or address");
        }
        var server = new ServerConfig(host,
                s.integer(ConfigKeys.SERVER_PORT, ServerConfig.DEFAULT_PORT, 0, 65_535),
                s.longValue(ConfigKeys.SERVER_MAX_BODY_BYTES, ServerConfig.DEFAULT_MAX_BODY_BYTES, 1024, 64L * 1024 * 1024),
                s.integer(ConfigKeys.SERVER_MAX_CONCURRENT_REQUESTS, ServerConfig.DEFAULT_MAX_CONCURRENT_REQUESTS, 1, 100_000),
                s.duration(ConfigKeys.SERVER_IDLE_TIMEOUT, ServerConfig.DEFAULT_IDLE_TIMEOUT,
                        java.time.Duration.ofSeconds(1), java.time.Duration.ofHours(1)),
                trustedProxies(s),
                s.duration(ConfigKeys.SERVER_REQUEST_TIMEOUT, ServerConfig.DEFAULT_REQUEST_TIMEOUT,
                        java.time.Duration.ofSeconds(1), java.time.Duration.ofHours(1)),
                s.longValue(ConfigKeys.SERVER_MIN_REQUEST_DATA_RATE, ServerConfig.DEFAULT_MIN_REQUEST_DATA_RATE, 1, 1L << 30),
                s.integer(ConfigKeys.SERVER_MAX_CONNECTIONS_PER_ADDRESS, ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1, 100_000));
        var log = new LogConfig(s.oneOf(ConfigKeys.LOG_FORMAT, "text", Set.of("text", "json")),
                s.oneOf(ConfigKeys.LOG_LEVEL, "info", Set.of("error", "warn", "info", "debug", "trace")));

        String region = s.string(ConfigKeys.AWS_REGION, AwsConfig.DEFAULT_REGION);
        if (!REGION.matcher(region).matches()) {
            throw s.invalid(ConfigKeys.AWS_REGION, "'" + region + "' is not an AWS region name like eu-west-1");
        }
        Optional<String> expectedAccount = s.string(ConfigKeys.AWS_EXPECTED_ACCOUNT_ID);
        if (expectedAccount.isPresent() && !ACCOUNT_ID.matcher(expectedAccount.get()).matches()) {
            throw s.invalid(ConfigKeys.AWS_EXPECTED_ACCOUNT_ID, "'" + expectedAccount.get() + "' is not a 12-digit account id");
        }
        boolean customWithoutSts = (s.has(ConfigKeys.AWS_DYNAMODB_ENDPOINT) || s.has(ConfigKeys.AWS_S3_ENDPOINT))
                && stsEndpoint.isEmpty();
        var credentials = CredentialsConfig.from(s, requestedMode, customWithoutSts);
        if (requestedMode == CredentialsMode.ASSUME_ROLE && credentials.assumeRoleArn().isEmpty()) {
            throw s.invalid(ConfigKeys.CREDENTIALS_MODE, "'assume-role' needs the role to assume in "
                    + "aws.credentials.assume_role_arn (COFFER_AWS_CREDENTIALS_ASSUME_ROLE_ARN)");
        }
        var aws = new AwsConfig(region, dynamodbEndpoint, s3Endpoint, stsEndpoint,
                s.bool(ConfigKeys.AWS_S3_PATH_STYLE, s3Endpoint.isPresent()),
                expectedAccount,
                s.duration(ConfigKeys.AWS_API_TIMEOUT, AwsConfig.DEFAULT_API_CALL_TIMEOUT,
                        java.time.Duration.ofMillis(100), java.time.Duration.ofMinutes(5)),
                s.integer(ConfigKeys.AWS_MAX_RETRIES, AwsConfig.DEFAULT_MAX_RETRIES, 0, 10),
                credentials);

        String usersTable = s.string(ConfigKeys.USERS_TABLE, StorageConfig.DEFAULT_USERS_TABLE);
        if (!TABLE_NAME.matcher(usersTable).matches()) {
            throw s.invalid(ConfigKeys.USERS_TABLE, "'" + usersTable + "' is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)");
        }
        String bucket = s.string(ConfigKeys.S3_BUCKET, StorageConfig.DEFAULT_BUCKET);
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw s.invalid(ConfigKeys.S3_BUCKET, "'" + bucket + "' is not an S3 bucket name (3-63 of a-z 0-9 . -)");
        }
        String prefix = normalisePrefix(s);
        var storage = new StorageConfig(usersTable, bucket, prefix, s.bool(ConfigKeys.S3_VERSIONING, false));

        return new CofferConfig(mode, server, log,
                s.path(ConfigKeys.LOCAL_DATA_DIR, Path.of("coffer-data")),
                aws, storage,
                s.duration(ConfigKeys.HEALTH_CACHE_TTL, CofferConfig.DEFAULT_HEALTH_CACHE_TTL,
                        java.time.Duration.ZERO, java.time.Duration.ofMinutes(5)),
                s.bool(ConfigKeys.PROVISION_ON_START, true),
                s.duration(ConfigKeys.HEALTH_PROBE_INTERVAL, CofferConfig.DEFAULT_HEALTH_PROBE_INTERVAL,
                        java.time.Duration.ofSeconds(10), java.time.Duration.ofDays(1)),
                AuthConfig.from(s),
                FilesConfig.from(s, s3Endpoint.isPresent()),
                withTablesFromEnvironment(CollectionConfig.parseAll(collections), s),
                metrics(s, server),
                EventsConfig.from(s),
                UsageConfig.from(s));
    }

    /**
     * Applies {@code COFFER_COLLECTIONS_<NAME>_TABLE} or {@code DYNAMODB_<NAME>_TABLE} to the
     * collections coffer.toml declares; like every other setting, the environment (and .env) wins
     * over coffer.toml. A bad name is refused naming the variable.
     */
    private static Map<String, CollectionConfig> withTablesFromEnvironment(Map<String, CollectionConfig> declared, Settings s) {
        var result = new LinkedHashMap<String, CollectionConfig>();
        for (CollectionConfig collection : declared.values()) {
            var set = s.variables().first(EnvironmentNames.collectionTable(collection.name()));
            if (set.isEmpty()) {
                result.put(collection.name(), collection);
                continue;
            }
            String where = "collections." + collection.name() + ".table (from " + set.get().setting().source() + " "
                    + set.get().variable() + ")";
            for (CollectionConfig other : declared.values()) {
                if (other != collection && EnvironmentNames.token(other.name()).equals(EnvironmentNames.token(collection.name()))) {
                    throw new ConfigException(where, "names both collections " + other.name() + " and " + collection.name()
                            + "; set their tables in coffer.toml instead");
                }
            }
            String table = set.get().setting().value().trim();
            if (!TABLE_NAME.matcher(table).matches()) {
                throw new ConfigException(where, "'" + table + "' is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)");
            }
            result.put(collection.name(), collection.withTable(table));
        }
        return result;
    }

    private static MetricsConfig metrics(Settings s, ServerConfig server) {
        MetricsConfig metrics = MetricsConfig.from(s);
        if (metrics.port().isPresent() && metrics.port().getAsInt() != 0 && metrics.port().getAsInt() == server.port()) {
            throw s.invalid(ConfigKeys.METRICS_PORT, metrics.port().getAsInt()
                    + " is server.port too: the metrics listener needs a port of its own (or leave metrics.port unset and set metrics.token)");
        }
        return metrics;
    }

    private static List<Cidr> trustedProxies(Settings s) {
        var blocks = new ArrayList<Cidr>();
        for (String entry : s.string(ConfigKeys.SERVER_TRUSTED_PROXIES, "").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                blocks.add(Cidr.parse(entry));
            } catch (IllegalArgumentException e) {
                throw s.invalid(ConfigKeys.SERVER_TRUSTED_PROXIES, "'" + entry.trim()
                        + "' is not an address block like 10.0.0.0/8 or fd00::/8: " + e.getMessage());
            }
        }
        return blocks;
    }

    private static String normalisePrefix(Settings s) {
        String prefix = s.string(ConfigKeys.S3_PREFIX, StorageConfig.DEFAULT_PREFIX);
        if (prefix.startsWith("/") || prefix.contains("..") || prefix.contains("//") || prefix.contains("\\")
                || prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f) || prefix.length() > 512) {
            throw s.invalid(ConfigKeys.S3_PREFIX, "'" + prefix + "' must be a relative key prefix without '..', '//' or control characters");
        }
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }
}
