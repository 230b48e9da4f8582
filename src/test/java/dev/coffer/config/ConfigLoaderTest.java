package dev.coffer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private CofferConfig load(String toml, String dotEnv, Map<String, String> env, Map<String, String> flags) throws IOException {
        Path tomlFile = dir.resolve("coffer.toml");
        Files.writeString(tomlFile, toml);
        Path envFile = dir.resolve(".env");
        Files.writeString(envFile, dotEnv);
        return ConfigLoader.load(new ConfigLoader.Sources(Optional.of(tomlFile), Optional.of(envFile), env, flags));
    }

    private CofferConfig load(String toml, Map<String, String> env) throws IOException {
        return load(toml, "", env, Map.of());
    }

    @Test
    void load_nothingConfigured_embeddedDefaultsOnLoopback() throws IOException {
        CofferConfig config = load("", Map.of());

        assertThat(config.mode()).isEqualTo(DeploymentMode.LOCAL);
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("coffer-data"));
        assertThat(config.storage().usersTable()).isEqualTo("coffer-users");
        assertThat(config.storage().bucket()).isEqualTo("coffer-files");
        assertThat(config.storage().prefix()).isEqualTo("users/");
        assertThat(config.aws().credentials().mode()).isEqualTo(CredentialsMode.LOCAL);
    }

    @Test
    void load_sameKeyInEverySource_environmentBeatsDotEnvBeatsToml_flagsBeatAll() throws IOException {
        String toml = "[s3]\nbucket = \"from-toml\"\nprefix = \"toml/\"\n[server]\nport = 1111\n[dynamodb]\nusers_table = \"toml-users\"\n";
        String dotEnv = "S3_BUCKET=from-dotenv\nS3_PREFIX=dotenv/\nPORT=2222\n";
        Map<String, String> env = Map.of("S3_BUCKET", "from-env", "PORT", "3333");
        Map<String, String> flags = Map.of("server.port", "4444");

        CofferConfig config = load(toml, dotEnv, env, flags);

        assertThat(config.storage().bucket()).isEqualTo("from-env");
        assertThat(config.storage().prefix()).isEqualTo("dotenv/");
        assertThat(config.storage().usersTable()).isEqualTo("toml-users");
        assertThat(config.server().port()).isEqualTo(4444);
    }

    @Test
    void load_envNamesAppsAlreadyUse_areAccepted() throws IOException {
        CofferConfig config = load("", Map.of(
                "S3_BUCKET_NAME", "legacy-bucket",
                "AWS_REGION", "eu-west-1",
                "AWS_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret-example",
                "COFFER_PORT", "9090"));

        assertThat(config.storage().bucket()).isEqualTo("legacy-bucket");
        assertThat(config.aws().region()).isEqualTo("eu-west-1");
        assertThat(config.aws().dynamodbEndpoint()).contains(URI.create("http://127.0.0.1:8000"));
        assertThat(config.aws().s3Endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(config.aws().s3PathStyle()).isTrue();
        assertThat(config.server().port()).isEqualTo(9090);
    }

    @Test
    void load_portFromPlatformPortVariable_isUsed() throws IOException {
        assertThat(load("", Map.of("PORT", "10000")).server().port()).isEqualTo(10000);
    }

    @Test
    void load_endpointConfigured_switchesToRemoteModeOnAllInterfaces() throws IOException {
        CofferConfig config = load("", Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"));

        assertThat(config.mode()).isEqualTo(DeploymentMode.REMOTE);
        assertThat(config.server().host()).isEqualTo("0.0.0.0");
        assertThat(config.aws().credentials().mode()).isEqualTo(CredentialsMode.AUTO);
        assertThat(config.aws().dynamodbEndpoint()).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(config.aws().stsEndpoint()).contains(URI.create("http://127.0.0.1:4566"));
    }

    @Test
    void load_filesSse_s3OnAws_bucketDefaultBehindAnS3Endpoint_explicitChoiceKept() throws IOException {
        Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret-example");
        var endpoint = new java.util.HashMap<>(keys);
        endpoint.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000");

        assertThat(load("", keys).files().sse()).isEqualTo(FilesConfig.Sse.S3);
        assertThat(load("", endpoint).files().sse()).isEqualTo(FilesConfig.Sse.BUCKET);
        endpoint.put("COFFER_FILES_SSE", "s3");
        assertThat(load("", endpoint).files().sse()).isEqualTo(FilesConfig.Sse.S3);
        assertThatThrownBy(() -> load("[files]\nsse = \"none\"\n", keys))
                .isInstanceOf(ConfigException.class).hasMessageContaining("files.sse");
    }

    @Test
    void load_keysFromDotEnv_sourceIsNamedDotEnv() throws IOException {
        CofferConfig config = load("", "export AWS_ACCESS_KEY_ID=\"AKIDEXAMPLE\"\nAWS_SECRET_ACCESS_KEY='abc$def' # comment\n",
                Map.of(), Map.of());

        assertThat(config.aws().credentials().keySource()).isEqualTo(".env");
        assertThat(config.aws().credentials().secretAccessKey().orElseThrow().reveal()).isEqualTo("abc$def");
    }

    @Test
    void load_durationsAndNumbers_parsedWithUnits() throws IOException {
        CofferConfig config = load("[health]\ncache_ttl = \"5s\"\n[aws]\napi_call_timeout = \"1500ms\"\nmax_retries = 0\n", Map.of());

        assertThat(config.healthCacheTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.aws().apiCallTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.aws().maxRetries()).isZero();
    }

    @Test
    void load_serverIdleTimeout_fromTomlOrEnvironment_boundedAndNamedWhenWrong() throws IOException {
        assertThat(load("", Map.of()).server().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(load("[server]\nidle_timeout = \"2m\"\n", Map.of()).server().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(load("", Map.of("COFFER_SERVER_IDLE_TIMEOUT", "5s")).server().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> load("", Map.of("COFFER_SERVER_IDLE_TIMEOUT", "10ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.idle_timeout (from environment):");
    }

    @Test
    void load_authClockLeeway_default30s_fromTomlOrEnvironment_0sTo5mAndNamedWhenWrong() throws IOException {
        assertThat(load("", Map.of()).auth().clockLeeway()).isEqualTo(Duration.ofSeconds(30));
        assertThat(load("[auth]\nclock_leeway = \"0s\"\n", Map.of()).auth().clockLeeway()).isEqualTo(Duration.ZERO);
        assertThat(load("", Map.of("COFFER_AUTH_CLOCK_LEEWAY", "5m")).auth().clockLeeway()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> load("", Map.of("COFFER_AUTH_CLOCK_LEEWAY", "301s")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("auth.clock_leeway (from environment): 301s is out of range PT0S..PT5M");
        assertThatThrownBy(() -> load("[auth]\nclock_leeway = \"-5s\"\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("auth.clock_leeway (from coffer.toml): '-5s' is not a duration like 500ms, 10s, 15m, 1h");
    }

    @Test
    void load_slowClientLimits_defaultsAndOverrides() throws IOException {
        ServerConfig defaults = load("", Map.of()).server();
        assertThat(defaults.trustedProxies()).isEmpty();
        assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(defaults.minRequestDataRate()).isEqualTo(1024);
        assertThat(defaults.maxConnectionsPerAddress()).isEqualTo(64);

        ServerConfig set = load("[server]\nrequest_timeout = \"5s\"\nmin_request_data_rate = 4096\n",
                Map.of("COFFER_SERVER_TRUSTED_PROXIES", " 10.0.0.0/16, fd00::/8,192.0.2.7 ,", "COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "8"))
                .server();
        assertThat(set.trustedProxies()).extracting(Object::toString)
                .containsExactly("10.0.0.0/16", "fd00:0:0:0:0:0:0:0/8", "192.0.2.7/32");
        assertThat(set.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(set.minRequestDataRate()).isEqualTo(4096);
        assertThat(set.maxConnectionsPerAddress()).isEqualTo(8);
    }

    @Test
    void load_invalidTrustedProxy_namesTheKeyAndTheValue() {
        assertThatThrownBy(() -> load("", Map.of("COFFER_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0.0/33")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.trusted_proxies (from environment): '10.0.0.0/33' is not an address block like 10.0.0.0/8 "
                        + "or fd00::/8: the prefix length 33 is over 32");
        assertThatThrownBy(() -> load("[server]\ntrusted_proxies = \"proxy.internal\"\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.trusted_proxies (from coffer.toml): 'proxy.internal' is not an address block like 10.0.0.0/8 "
                        + "or fd00::/8: 'proxy.internal' is not an IP address");
        assertThatThrownBy(() -> load("", Map.of("COFFER_SERVER_TRUSTED_PROXIES", "10.0.0.1/8")))
                .hasMessage("server.trusted_proxies (from environment): '10.0.0.1/8' is not an address block like 10.0.0.0/8 "
                        + "or fd00::/8: it has address bits set past the /8 prefix (the block is 10.0.0.0/8)");
    }

    @Test
    void load_slowClientLimitsOutOfRange_namedWhenWrong() {
        assertThatThrownBy(() -> load("", Map.of("COFFER_SERVER_REQUEST_TIMEOUT", "100ms")))
                .hasMessage("server.request_timeout (from environment): 100ms is out of range PT1S..PT1H");
        assertThatThrownBy(() -> load("", Map.of("COFFER_SERVER_MIN_REQUEST_DATA_RATE", "0")))
                .hasMessage("server.min_request_data_rate (from environment): 0 is out of range 1..1073741824");
        assertThatThrownBy(() -> load("", Map.of("COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "none")))
                .hasMessage("server.max_connections_per_address (from environment): 'none' is not a whole number");
    }

    @Test
    void load_unknownTomlKey_namesTheKey() {
        assertThatThrownBy(() -> load("[server]\nprot = 8080\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.prot: unknown key in coffer.toml (see the configuration reference in README.md)");
    }

    @Test
    void load_malformedEndpointUrl_namesTheKeyAndSource() {
        assertThatThrownBy(() -> load("", Map.of("AWS_ENDPOINT_URL_S3", "localhost:9000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("aws.s3_endpoint (from environment): 'localhost:9000' is not an http(s) URL");
    }

    @Test
    void load_portNotANumber_namesTheKey() {
        assertThatThrownBy(() -> load("", Map.of("PORT", "eighty")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.port (from environment): 'eighty' is not a whole number");
    }

    @Test
    void load_portOutOfRange_namesTheKey() {
        assertThatThrownBy(() -> load("[server]\nport = 70000\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.port (from coffer.toml): 70000 is out of range 0..65535");
    }

    @Test
    void load_maxFileSizeBeyondTenThousandParts_namesTheKeyAndTheFix() {
        assertThatThrownBy(() -> load("", Map.of("COFFER_FILES_MAX_SIZE_BYTES", "100000000000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("files.max_size_bytes (from environment): 100000000000 bytes need more than S3's 10000 parts of 8388608"
                        + " bytes (files.part_size_bytes); raise the part size to at least 10000000 or lower the limit");
    }

    @Test
    void load_assumeRoleModeWithoutTheRole_refusedNamingTheKeyToSet() {
        assertThatThrownBy(() -> load("", Map.of("COFFER_AWS_CREDENTIALS_MODE", "assume-role", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("aws.credentials.mode (from environment): 'assume-role' needs the role to assume in "
                        + "aws.credentials.assume_role_arn (COFFER_AWS_CREDENTIALS_ASSUME_ROLE_ARN)");
    }

    @Test
    void load_badProbeInterval_namesTheKey() {
        assertThatThrownBy(() -> load("", Map.of("COFFER_HEALTH_PROBE_INTERVAL", "1s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("health.probe_interval (from environment):");
    }

    @Test
    void load_badRegion_namesTheKey() {
        assertThatThrownBy(() -> load("", Map.of("AWS_REGION", "Frankfurt")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("aws.region (from environment): 'Frankfurt' is not an AWS region name like eu-west-1");
    }

    @Test
    void load_badBucketName_namesTheKey() {
        assertThatThrownBy(() -> load("", Map.of("S3_BUCKET", "My_Bucket")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s3.bucket (from environment): 'My_Bucket' is not an S3 bucket name");
    }

    @Test
    void load_prefixEscapingUpwards_isRefused() {
        assertThatThrownBy(() -> load("", Map.of("S3_PREFIX", "../other/")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s3.prefix (from environment):");
    }

    @Test
    void load_badDuration_namesTheKey() {
        assertThatThrownBy(() -> load("[health]\ncache_ttl = \"soon\"\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("health.cache_ttl (from coffer.toml): 'soon' is not a duration like 500ms, 10s, 15m, 1h");
    }

    @Test
    void load_badBoolean_namesTheKey() {
        assertThatThrownBy(() -> load("[provision]\non_start = \"maybe\"\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("provision.on_start (from coffer.toml): 'maybe' is not true or false");
    }

    @Test
    void load_unknownLogFormat_listsTheChoices() {
        assertThatThrownBy(() -> load("", Map.of("COFFER_LOG_FORMAT", "xml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("log.format (from environment): 'xml' is not one of [json, text]");
    }

    @Test
    void load_localModeWithKeys_refusedAsMixedSignals() {
        assertThatThrownBy(() -> load("", Map.of("COFFER_AWS_CREDENTIALS_MODE", "local",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("aws.credentials.mode (from environment): 'local' runs the embedded servers");
    }

    @Test
    void load_malformedToml_namesTheFile() {
        assertThatThrownBy(() -> load("[server\nport = 1\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("coffer.toml: cannot read TOML");
    }

    @Test
    void load_malformedDotEnvLine_namesTheLine() {
        assertThatThrownBy(() -> load("", "GOOD=1\nthis is not an assignment\n", Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(".env line 2: expected NAME=value");
    }

    @Test
    void load_badSecretValue_messageNeverQuotesTheSecret() {
        // A secret in the wrong place must not be echoed back in the error line.
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assertThatThrownBy(() -> load("[auth]\nsecret_key = \"" + secret + "\"\n[server]\nport = \"x\"\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    }

    // -- names apps already use, and the names nobody reads --

    private static final String SCANS = "[collections.scans]\ntable = \"toml-scans\"\n[collections.my-notes]\n";

    private ConfigLoader.Loaded read(String toml, String dotEnv, Map<String, String> env) throws IOException {
        Path tomlFile = dir.resolve("coffer.toml");
        Files.writeString(tomlFile, toml);
        Path envFile = dir.resolve(".env");
        Files.writeString(envFile, dotEnv);
        return ConfigLoader.read(new ConfigLoader.Sources(Optional.of(tomlFile), Optional.of(envFile), env, Map.of()));
    }

    private List<String> warnings(String toml, String dotEnv, Map<String, String> env) throws IOException {
        return read(toml, dotEnv, env).warnings().stream().map(ConfigWarning::message).toList();
    }

    @Test
    void load_dynamodbUsersTable_setsTheUsersTable() throws IOException {
        CofferConfig config = load("", Map.of("DYNAMODB_USERS_TABLE", "dermalens-users"));

        assertThat(config.storage().usersTable()).isEqualTo("dermalens-users");
    }

    @Test
    void load_awsS3Bucket_setsTheBucket() throws IOException {
        CofferConfig config = load("", Map.of("AWS_S3_BUCKET", "dermalens-files"));

        assertThat(config.storage().bucket()).isEqualTo("dermalens-files");
    }

    @Test
    void load_dynamodbCollectionTable_overridesTheTableDeclaredInToml() throws IOException {
        CofferConfig config = load(SCANS, "DYNAMODB_MY_NOTES_TABLE=dotenv-notes\n", Map.of("DYNAMODB_SCANS_TABLE", "dermalens-scans"),
                Map.of());

        assertThat(config.collections().get("scans").table()).isEqualTo("dermalens-scans");
        assertThat(config.collections().get("scans").sortKey()).isEqualTo("id");
        assertThat(config.collections().get("my-notes").table()).isEqualTo("dotenv-notes");
    }

    @Test
    void load_collectionTable_canonicalNameBeatsTheAppsName_environmentBeatsDotEnv() throws IOException {
        CofferConfig config = load(SCANS, "COFFER_COLLECTIONS_MY_NOTES_TABLE=dotenv-notes\n",
                Map.of("DYNAMODB_SCANS_TABLE", "app-scans", "COFFER_COLLECTIONS_SCANS_TABLE", "canonical-scans",
                        "DYNAMODB_MY_NOTES_TABLE", "env-notes"), Map.of());

        assertThat(config.collections().get("scans").table()).isEqualTo("canonical-scans");
        assertThat(config.collections().get("my-notes").table()).isEqualTo("env-notes");
    }

    @Test
    void load_collectionTableFromEnvironment_badName_refusedNamingTheVariable() {
        assertThatThrownBy(() -> load(SCANS, Map.of("DYNAMODB_SCANS_TABLE", "scans table")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("collections.scans.table (from environment DYNAMODB_SCANS_TABLE): 'scans table' is not a DynamoDB "
                        + "table name (3-255 of A-Z a-z 0-9 _ . -)");
    }

    @Test
    void load_collectionNamedUsers_dynamodbUsersTableStillNamesTheUsersTable() throws IOException {
        ConfigLoader.Loaded loaded = read("[collections.users]\n", "", Map.of("DYNAMODB_USERS_TABLE", "app-users",
                "COFFER_COLLECTIONS_USERS_TABLE", "app-user-records"));

        assertThat(loaded.config().storage().usersTable()).isEqualTo("app-users");
        assertThat(loaded.config().collections().get("users").table()).isEqualTo("app-user-records");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void read_misspeltCofferVariable_warnsNamingTheClosest() throws IOException {
        ConfigLoader.Loaded loaded = read("", "", Map.of("COFFER_SEVER_PORT", "9000"));

        assertThat(loaded.config().server().port()).isEqualTo(8080);
        assertThat(loaded.warnings()).containsExactly(new ConfigWarning("COFFER_SEVER_PORT",
                "environment variable COFFER_SEVER_PORT is not used by Coffer; did you mean COFFER_SERVER_PORT?"));
    }

    @Test
    void read_misspeltAwsAndAppNames_closestIncludesAliasesAndNamesWithoutPrefix() throws IOException {
        assertThat(warnings("", "", Map.of("AWS_REGON", "eu-west-1", "DYNAMODB_ENDPOINT", "http://127.0.0.1:8000",
                "S3_BUCKT", "b", "AWS_SECRET_KEY", "k"))).containsExactly(
                "environment variable AWS_REGON is not used by Coffer; did you mean AWS_REGION?",
                "environment variable AWS_SECRET_KEY is not used by Coffer; did you mean AWS_SECRET_ACCESS_KEY?",
                "environment variable DYNAMODB_ENDPOINT is not used by Coffer; did you mean AWS_DYNAMODB_ENDPOINT?",
                "environment variable S3_BUCKT is not used by Coffer; did you mean S3_BUCKET?");
    }

    @Test
    void read_nameNothingIsCloseTo_warnsWithoutAGuess() throws IOException {
        assertThat(warnings("", "", Map.of("AWS_SDK_LOAD_CONFIG", "1")))
                .containsExactly("environment variable AWS_SDK_LOAD_CONFIG is not used by Coffer");
    }

    @Test
    void read_sdkSettingCofferOverrides_warnsNamingCoffersSetting() throws IOException {
        assertThat(warnings("", "", Map.of("AWS_MAX_ATTEMPTS", "5")))
                .containsExactly("environment variable AWS_MAX_ATTEMPTS is not used by Coffer; did you mean COFFER_AWS_MAX_RETRIES?");
    }

    @Test
    void read_platformToolAndSdkNames_noWarning() throws IOException {
        Map<String, String> env = new java.util.HashMap<>();
        for (String name : List.of("AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_LOG_GROUP_NAME",
                "AWS_XRAY_DAEMON_ADDRESS", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_DEFAULT_OUTPUT", "AWS_PAGER", "AWS_CA_BUNDLE",
                "AWS_CLI_AUTO_PROMPT", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED",
                "AWS_RETRY_MODE", "AWS_USE_FIPS_ENDPOINT", "COFFER_JAVA_OPTS", "COFFER_AOT", "COFFER_TRAIN_ROUNDS", "PATH", "HOME", "DATABASE_URL")) {
            env.put(name, "x");
        }

        assertThat(warnings("", "", env)).isEmpty();
    }

    @Test
    void read_everyNameCofferReads_noWarning() throws IOException {
        // Values that pass validation in remote mode; what matters is that no name is reported.
        Map<String, String> env = new java.util.HashMap<>(Map.of("DYNAMODB_SCANS_TABLE", "t-scans", "COFFER_COLLECTIONS_MY_NOTES_TABLE",
                "t-notes", "AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret", "S3_BUCKET", "b-files", "S3_BUCKET_NAME", "b-files", "AWS_S3_BUCKET", "b-files",
                "DYNAMODB_USERS_TABLE", "t-users"));
        env.put("COFFER_USERS_TABLE", "t-users");

        assertThat(warnings(SCANS, "", env)).isEmpty();
    }

    @Test
    void read_tableOfUndeclaredCollection_warnsListingTheDeclaredOnes() throws IOException {
        assertThat(warnings(SCANS, "", Map.of("DYNAMODB_PHOTOS_TABLE", "app-photos", "DYNAMODB_SCNAS_TABLE", "app-scans",
                "DYNAMODB_ITEMS_TABLE", "app-items", "DYNAMODB_TABLE_NAME", "app-table"))).containsExactly(
                "environment variable DYNAMODB_ITEMS_TABLE is not used by Coffer: coffer.toml declares no collection items "
                        + "(declared: my-notes, scans)",
                "environment variable DYNAMODB_PHOTOS_TABLE is not used by Coffer: coffer.toml declares no collection photos "
                        + "(declared: my-notes, scans)",
                "environment variable DYNAMODB_SCNAS_TABLE is not used by Coffer: coffer.toml declares no collection scnas "
                        + "(declared: my-notes, scans); did you mean DYNAMODB_SCANS_TABLE?",
                "environment variable DYNAMODB_TABLE_NAME is not used by Coffer: a collection's table is set by "
                        + "DYNAMODB_<COLLECTION>_TABLE or its table in coffer.toml (declared: my-notes, scans)");
        assertThat(warnings(SCANS, "", Map.of("DYNAMODB_SCANS_TABLE_NAME", "app-scans", "DYNAMODB_USERS_TABLE_NAME", "app-users")))
                .containsExactly(
                        "environment variable DYNAMODB_SCANS_TABLE_NAME is not used by Coffer; did you mean DYNAMODB_SCANS_TABLE?",
                        "environment variable DYNAMODB_USERS_TABLE_NAME is not used by Coffer; did you mean DYNAMODB_USERS_TABLE?");
        assertThat(warnings("", "", Map.of("DYNAMODB_SCANS_TABLE", "app-scans"))).containsExactly(
                "environment variable DYNAMODB_SCANS_TABLE is not used by Coffer: coffer.toml declares no collection scans "
                        + "(none is declared)");
    }

    @Test
    void read_unusedNameInDotEnv_namesDotEnv_reportedOnceWhenInBoth() throws IOException {
        assertThat(warnings("", "COFFER_SEVER_PORT=9000\nCOFFER_LOG_LEVLE=debug\n", Map.of("COFFER_LOG_LEVLE", "warn")))
                .containsExactly(
                        "environment variable COFFER_LOG_LEVLE is not used by Coffer; did you mean COFFER_LOG_LEVEL?",
                        "environment variable COFFER_SEVER_PORT (from .env) is not used by Coffer; did you mean COFFER_SERVER_PORT?");
    }

    @Test
    void read_twoNamesOfOneKeyWithDifferentValues_warnsWhichIsUsed() throws IOException {
        ConfigLoader.Loaded loaded = read("", "S3_BUCKET_NAME=from-name\nAWS_S3_BUCKET=from-aws\n", Map.of());

        assertThat(loaded.config().storage().bucket()).isEqualTo("from-name");
        assertThat(loaded.warnings()).containsExactly(new ConfigWarning("AWS_S3_BUCKET",
                "environment variables S3_BUCKET_NAME and AWS_S3_BUCKET (from .env) set s3.bucket to different values; "
                        + "S3_BUCKET_NAME is used (names are tried in the order COFFER_S3_BUCKET, S3_BUCKET, S3_BUCKET_NAME, "
                        + "AWS_S3_BUCKET)"));
        assertThat(warnings("", "", Map.of("S3_BUCKET", "same", "AWS_S3_BUCKET", "same"))).isEmpty();
    }

    @Test
    void read_warnings_nameVariablesNeverValues() throws IOException {
        List<String> warnings = warnings("", "", Map.of("COFFER_AWS_CREDENTIALS_SECRET_ACCESS_KEY", "first-secret-value",
                "AWS_SECRET_ACCESS_KEY", "second-secret-value", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCES_KEY", "third-secret-value"));

        assertThat(warnings).hasSize(2).noneMatch(w -> w.contains("secret-value"));
        // Sorted by the variable reported: the ignored AWS_SECRET_ACCESS_KEY, then AWS_SECRET_ACCES_KEY.
        assertThat(warnings.get(0)).startsWith("environment variables COFFER_AWS_CREDENTIALS_SECRET_ACCESS_KEY and "
                + "AWS_SECRET_ACCESS_KEY set aws.credentials.secret_access_key to different values");
        assertThat(warnings.get(1)).isEqualTo("environment variable AWS_SECRET_ACCES_KEY is not used by Coffer; did you mean "
                + "AWS_SECRET_ACCESS_KEY?");
    }
}
