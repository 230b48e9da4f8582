package dev.coffer.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every scalar key Coffer reads. The loader refuses keys in {@code coffer.toml} that are not
 * here (apart from the structured {@code collections} tables), so a typo stops start-up instead
 * of being silently ignored. The README's configuration reference lists the same keys.
 */
public final class ConfigKeys {
    public static final ConfigKey SERVER_HOST = ConfigKey.of("server.host",
            "Address Coffer listens on. Default 127.0.0.1 on the embedded default, 0.0.0.0 against AWS.", "COFFER_HOST");
    public static final ConfigKey SERVER_PORT = ConfigKey.of("server.port",
            "HTTP port, 0 for any free port. Default 8080.", "COFFER_PORT", "PORT");
    public static final ConfigKey SERVER_MAX_BODY_BYTES = ConfigKey.of("server.max_body_bytes",
            "Largest JSON request body in bytes. Default 1048576 (1 MiB).");
    public static final ConfigKey SERVER_MAX_CONCURRENT_REQUESTS = ConfigKey.of("server.max_concurrent_requests",
            "Requests served at once before answering 503. Default 512.");
    public static final ConfigKey SERVER_IDLE_TIMEOUT = ConfigKey.of("server.idle_timeout",
            "How long a client connection may stay silent before Coffer closes it, e.g. 30s. Default 30s.");
    public static final ConfigKey SERVER_TRUSTED_PROXIES = ConfigKey.of("server.trusted_proxies",
            "Comma-separated address blocks (CIDRs) of proxies whose X-Forwarded-For is believed, e.g. 10.0.0.0/16. Default: none.");
    public static final ConfigKey SERVER_REQUEST_TIMEOUT = ConfigKey.of("server.request_timeout",
            "How long request headers may take to arrive, and a body keep Coffer waiting (plus a second per min_request_data_rate bytes). Default 20s.");
    public static final ConfigKey SERVER_MIN_REQUEST_DATA_RATE = ConfigKey.of("server.min_request_data_rate",
            "Bytes per second of request body that extend server.request_timeout by a second. Default 1024.");
    public static final ConfigKey SERVER_MAX_CONNECTIONS_PER_ADDRESS = ConfigKey.of("server.max_connections_per_address",
            "Connections open at once from one client address (requests in flight behind a trusted proxy). Default 64.");
    public static final ConfigKey LOG_FORMAT = ConfigKey.of("log.format",
            "text (default) or json.", "COFFER_LOG_FORMAT");
    public static final ConfigKey LOG_LEVEL = ConfigKey.of("log.level",
            "Level for Coffer's own loggers: error, warn, info (default), debug.", "COFFER_LOG_LEVEL");
    public static final ConfigKey LOCAL_DATA_DIR = ConfigKey.of("local.data_dir",
            "Where the embedded default keeps its data. Default ./coffer-data.", "COFFER_DATA_DIR");

    public static final ConfigKey AWS_REGION = ConfigKey.of("aws.region",
            "AWS region. Default us-east-1.", "AWS_REGION", "AWS_DEFAULT_REGION");
    public static final ConfigKey AWS_ENDPOINT = ConfigKey.of("aws.endpoint",
            "Endpoint for every AWS service (a compatible server). Setting any endpoint selects remote mode.",
            "AWS_ENDPOINT_URL");
    public static final ConfigKey AWS_DYNAMODB_ENDPOINT = ConfigKey.of("aws.dynamodb_endpoint",
            "DynamoDB endpoint override.", "AWS_DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_DYNAMODB");
    public static final ConfigKey AWS_S3_ENDPOINT = ConfigKey.of("aws.s3_endpoint",
            "S3 endpoint override.", "AWS_ENDPOINT_URL_S3");
    public static final ConfigKey AWS_STS_ENDPOINT = ConfigKey.of("aws.sts_endpoint",
            "STS endpoint override.", "AWS_ENDPOINT_URL_STS");
    public static final ConfigKey AWS_S3_PATH_STYLE = ConfigKey.of("aws.s3_path_style",
            "Path-style S3 addressing. Default true when an S3 endpoint is set, else false.");
    public static final ConfigKey AWS_EXPECTED_ACCOUNT_ID = ConfigKey.of("aws.expected_account_id",
            "Refuse to start when the credentials belong to another account.");
    public static final ConfigKey AWS_API_TIMEOUT = ConfigKey.of("aws.api_call_timeout",
            "Upper bound for one AWS call including retries, e.g. 10s. Default 10s.");
    public static final ConfigKey AWS_MAX_RETRIES = ConfigKey.of("aws.max_retries",
            "Retries of a failed AWS call (throttling, 5xx). Default 3.");

    public static final ConfigKey CREDENTIALS_MODE = ConfigKey.of("aws.credentials.mode",
            "local, auto, static, session, role, profile, sso, assume-role. Default: local when nothing AWS is configured, else auto.");
    public static final ConfigKey ACCESS_KEY_ID = ConfigKey.of("aws.credentials.access_key_id",
            "Access key id.", "AWS_ACCESS_KEY_ID");
    public static final ConfigKey SECRET_ACCESS_KEY = ConfigKey.secret("aws.credentials.secret_access_key",
            "Secret access key.", "AWS_SECRET_ACCESS_KEY");
    public static final ConfigKey SESSION_TOKEN = ConfigKey.secret("aws.credentials.session_token",
            "Session token of temporary keys.", "AWS_SESSION_TOKEN");
    public static final ConfigKey CREDENTIAL_EXPIRATION = ConfigKey.of("aws.credentials.expiration",
            "When temporary keys expire (ISO-8601).", "AWS_CREDENTIAL_EXPIRATION");
    public static final ConfigKey PROFILE = ConfigKey.of("aws.credentials.profile",
            "Named profile (used only in profile/sso mode).", "AWS_PROFILE");

    public static final ConfigKey USERS_TABLE = ConfigKey.of("dynamodb.users_table",
            "DynamoDB table of users. Default coffer-users.", "COFFER_USERS_TABLE", "DYNAMODB_USERS_TABLE");
    public static final ConfigKey S3_BUCKET = ConfigKey.of("s3.bucket",
            "Bucket for files. Default coffer-files.", "S3_BUCKET", "S3_BUCKET_NAME", "AWS_S3_BUCKET");
    public static final ConfigKey S3_PREFIX = ConfigKey.of("s3.prefix",
            "Leading part of every object key. Default users/.", "S3_PREFIX");
    public static final ConfigKey S3_VERSIONING = ConfigKey.of("s3.versioning",
            "Turn on versioning when creating the bucket. Default false.");
    public static final ConfigKey HEALTH_CACHE_TTL = ConfigKey.of("health.cache_ttl",
            "How long a /health result is reused, e.g. 2s. Default 2s.");
    public static final ConfigKey HEALTH_PROBE_INTERVAL = ConfigKey.of("health.probe_interval",
            "How often /health re-runs the harmless permission probes and the bucket-region check against AWS, e.g. 5m. "
                    + "Default 5m.");
    public static final ConfigKey PROVISION_ON_START = ConfigKey.of("provision.on_start",
            "Create missing tables and bucket at start-up. Default true.");
    public static final ConfigKey SECRET_KEY = ConfigKey.secret("auth.secret_key",
            "Key that signs access tokens (at least 32 bytes). Generated and kept in the data dir on the embedded default.",
            "SECRET_KEY");
    public static final ConfigKey ACCESS_TOKEN_TTL = ConfigKey.of("auth.access_token_ttl",
            "Lifetime of access tokens, e.g. 15m. Default 15m.");

    // Keys of later pieces are added below, each group under its piece's name.
    // -- credentials --
    public static final ConfigKey CONTAINER_FULL_URI = ConfigKey.of("aws.credentials.container_full_uri",
            "ECS/EKS container credentials endpoint (full URI).", "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    public static final ConfigKey CONTAINER_RELATIVE_URI = ConfigKey.of("aws.credentials.container_relative_uri",
            "ECS container credentials path on 169.254.170.2.", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    public static final ConfigKey CONTAINER_AUTHORIZATION_TOKEN = ConfigKey.secret(
            "aws.credentials.container_authorization_token",
            "Authorization header for the container credentials endpoint.", "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    public static final ConfigKey CONTAINER_AUTHORIZATION_TOKEN_FILE = ConfigKey.of(
            "aws.credentials.container_authorization_token_file",
            "File holding that header, re-read at each refresh (EKS Pod Identity).", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    public static final ConfigKey WEB_IDENTITY_TOKEN_FILE = ConfigKey.of("aws.credentials.web_identity_token_file",
            "Web identity token file (EKS IRSA, GitHub OIDC).", "AWS_WEB_IDENTITY_TOKEN_FILE");
    public static final ConfigKey ROLE_ARN = ConfigKey.of("aws.credentials.role_arn",
            "Role assumed with the web identity token.", "AWS_ROLE_ARN");
    public static final ConfigKey ROLE_SESSION_NAME = ConfigKey.of("aws.credentials.role_session_name",
            "Session name for web identity and assume-role. Default coffer.", "AWS_ROLE_SESSION_NAME");
    public static final ConfigKey IMDS_ENDPOINT = ConfigKey.of("aws.credentials.imds_endpoint",
            "EC2 instance metadata endpoint. Default http://169.254.169.254.", "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    public static final ConfigKey IMDS_TIMEOUT = ConfigKey.of("aws.credentials.imds_timeout",
            "How long to wait for the instance metadata service, e.g. 1s. Default 1s.");
    public static final ConfigKey ASSUME_ROLE_ARN = ConfigKey.of("aws.credentials.assume_role_arn",
            "Role to assume on top of the base credentials (refreshed before expiry).");
    public static final ConfigKey ASSUME_ROLE_EXTERNAL_ID = ConfigKey.of("aws.credentials.assume_role_external_id",
            "External id for assume-role.");
    public static final ConfigKey ASSUME_ROLE_DURATION = ConfigKey.of("aws.credentials.assume_role_duration",
            "Session length of the assumed role, e.g. 1h. Default 1h.");
    public static final ConfigKey EXPIRY_WARNING = ConfigKey.of("aws.credentials.expiry_warning",
            "How long before expiry /health turns 'expiring' (degraded). Default 15m.");
    public static final ConfigKey VALIDATE_CREDENTIALS = ConfigKey.of("aws.validate_credentials",
            "Check the credentials with STS GetCallerIdentity at start-up. Default true, except against custom "
                    + "DynamoDB/S3 endpoints without an STS endpoint.");
    // -- auth --
    public static final ConfigKey PASSWORD_MIN = ConfigKey.of("auth.password_min_length",
            "Shortest password accepted, in characters. Default 8.");
    public static final ConfigKey PASSWORD_MAX = ConfigKey.of("auth.password_max_length",
            "Longest password accepted. Default 128.");
    public static final ConfigKey FULL_NAME_MAX = ConfigKey.of("auth.full_name_max_length",
            "Longest full_name accepted. Default 100.");
    public static final ConfigKey ARGON2_MEMORY = ConfigKey.of("auth.argon2_memory_kib",
            "argon2id memory per hash in KiB. Default 19456 (OWASP's minimum).");
    public static final ConfigKey ARGON2_ITERATIONS = ConfigKey.of("auth.argon2_iterations",
            "argon2id iterations. Default 2.");
    public static final ConfigKey ARGON2_PARALLELISM = ConfigKey.of("auth.argon2_parallelism",
            "argon2id lanes. Default 1.");
    public static final ConfigKey REFRESH_TOKEN_TTL = ConfigKey.of("auth.refresh_token_ttl",
            "Lifetime of refresh tokens, e.g. 30d. Default 30d.");
    public static final ConfigKey LOGIN_MAX_FAILURES = ConfigKey.of("auth.login_max_failures",
            "Failed logins per email within the window before 429. Default 5 (per client address: 4 times that).");
    public static final ConfigKey LOGIN_WINDOW = ConfigKey.of("auth.login_failure_window",
            "Window of the login failure limit, e.g. 15m. Default 15m.");
    public static final ConfigKey SERVICE_KEYS = ConfigKey.secret("auth.service_keys",
            "Comma-separated SHA-256 hashes (hex) of service keys, optionally name=hash. Make one with 'coffer keys new'.",
            "COFFER_SERVICE_KEYS");
    public static final ConfigKey DELETION_SWEEP_INTERVAL = ConfigKey.of("auth.deletion_sweep_interval",
            "How often unfinished account deletions (a backend failed half-way) are looked for and finished, e.g. 5m. "
                    + "Default 5m, 10s to 1d.");
    public static final ConfigKey OIDC_ISSUER = ConfigKey.of("auth.oidc.issuer",
            "External OIDC issuer (e.g. https://cognito-idp.REGION.amazonaws.com/POOL_ID) whose tokens are accepted.");
    public static final ConfigKey OIDC_AUDIENCE = ConfigKey.of("auth.oidc.audience",
            "Required audience of OIDC tokens (the Cognito app client id).");
    public static final ConfigKey CLOCK_LEEWAY = ConfigKey.of("auth.clock_leeway",
            "Tolerance for clocks that differ when checking token expiry and not-before (Coffer's and OIDC tokens), "
                    + "e.g. 30s. Default 30s, at most 5m.");
    // -- records --
    // -- events --
    public static final ConfigKey EVENTS_HEARTBEAT_INTERVAL = ConfigKey.of("events.heartbeat_interval",
            "How often an idle event stream sends a heartbeat comment, e.g. 15s; keep it under every proxy's read timeout. "
                    + "Default 15s, 1s to 5m.");
    public static final ConfigKey EVENTS_POLL_INTERVAL = ConfigKey.of("events.poll_interval",
            "How often each instance reads each DynamoDB stream shard, e.g. 1s. AWS allows 5 reads per second per shard "
                    + "across all readers: keep instances / interval under that. Default 1s, 50ms to 30s.");
    public static final ConfigKey EVENTS_REPLAY_WINDOW = ConfigKey.of("events.replay_window",
            "How far back each instance keeps events for clients resuming with Last-Event-ID, e.g. 10m. Default 10m, at most 24h.");
    public static final ConfigKey EVENTS_SUBSCRIBER_BUFFER = ConfigKey.of("events.subscriber_buffer",
            "Events queued for one slow subscriber before its stream is closed (it resumes with Last-Event-ID). Default 256.");
    public static final ConfigKey EVENTS_MAX_STREAMS = ConfigKey.of("events.max_streams",
            "Event streams one instance holds open at once; beyond, 503. They hold no API request slot. Default 1000, 0 turns events off.");
    // -- files --
    public static final ConfigKey FILES_MAX_SIZE = ConfigKey.of("files.max_size_bytes",
            "Largest file in bytes. Default 5368709120 (5 GiB).");
    public static final ConfigKey FILES_ALLOWED_TYPES = ConfigKey.of("files.allowed_content_types",
            "Comma-separated content types files may have, e.g. video/*, image/png. Default: any.");
    public static final ConfigKey FILES_MULTIPART_THRESHOLD = ConfigKey.of("files.multipart_threshold_bytes",
            "Bodies larger than this (or of unknown length) are uploaded in parts. Default 16777216 (16 MiB).");
    public static final ConfigKey FILES_PART_SIZE = ConfigKey.of("files.part_size_bytes",
            "Size of each uploaded part, at least 5 MiB. Default 8388608 (8 MiB).");
    public static final ConfigKey FILES_PRESIGN_MAX = ConfigKey.of("files.presign_max_expiry",
            "Longest life of a presigned URL, e.g. 15m. Default 15m, at most 7d.");
    public static final ConfigKey FILES_SSE = ConfigKey.of("files.sse",
            "Server-side encryption asked for on each object: s3 (SSE-S3), kms (SSE-KMS with files.kms_key_id) or bucket (none asked;"
                    + " the bucket's default encryption applies). Default s3 on AWS, bucket when an S3 endpoint is set.");
    public static final ConfigKey FILES_KMS_KEY = ConfigKey.of("files.kms_key_id",
            "KMS key id or ARN for SSE-KMS.");
    // -- metrics --
    public static final ConfigKey METRICS_TOKEN = ConfigKey.secret("metrics.token",
            "Bearer token Prometheus sends to GET /metrics (at least 16 characters). Metrics are off unless this or "
                    + "metrics.port is set.");
    public static final ConfigKey METRICS_PORT = ConfigKey.of("metrics.port",
            "Separate port serving only GET /metrics on server.host (0 for any free port); asks for metrics.token too "
                    + "when set. Default: none.");

    // -- usage --
    public static final ConfigKey QUOTA_FILES_BYTES = ConfigKey.of("quotas.files_bytes",
            "Total bytes of files one user may store, or off. Default off; an admin can override it per user.");
    public static final ConfigKey QUOTA_FILES_COUNT = ConfigKey.of("quotas.files_count",
            "Number of files one user may store, or off. Default off.");
    public static final ConfigKey QUOTA_ITEMS_PER_COLLECTION = ConfigKey.of("quotas.items_per_collection",
            "Items one user may keep in each collection, or off. Default off.");
    public static final ConfigKey QUOTA_REQUESTS_PER_MINUTE = ConfigKey.of("quotas.requests_per_minute",
            "API requests one user may make per minute on each instance, or off. Default off.");
    public static final ConfigKey USAGE_FLUSH_INTERVAL = ConfigKey.of("usage.flush_interval",
            "How often each instance writes its request and cost counters to DynamoDB, e.g. 5s. Default 5s, 1s to 5m.");
    public static final ConfigKey PRICE_DYNAMODB_READ = ConfigKey.of("pricing.dynamodb_read_per_million",
            "US dollars per million DynamoDB on-demand read request units. Default 0.125 (us-east-1, 2026-12-01).");
    public static final ConfigKey PRICE_DYNAMODB_WRITE = ConfigKey.of("pricing.dynamodb_write_per_million",
            "US dollars per million DynamoDB on-demand write request units. Default 0.625 (us-east-1, 2026-12-01).");
    public static final ConfigKey PRICE_DYNAMODB_STORAGE = ConfigKey.of("pricing.dynamodb_storage_gb_month",
            "US dollars per GB-month of DynamoDB Standard storage. Default 0.25 (us-east-1, 2026-12-01).");
    public static final ConfigKey PRICE_S3_STORAGE = ConfigKey.of("pricing.s3_storage_gb_month",
            "US dollars per GB-month of S3 Standard storage. Default 0.023 (us-east-1, first 50 TB, 2026-12-01).");
    public static final ConfigKey PRICE_S3_CLASS_A = ConfigKey.of("pricing.s3_put_per_thousand",
            "US dollars per 1000 S3 PUT, COPY, POST and LIST requests. Default 0.005 (us-east-1, 2026-12-01).");
    public static final ConfigKey PRICE_S3_CLASS_B = ConfigKey.of("pricing.s3_get_per_thousand",
            "US dollars per 1000 S3 GET, HEAD and other requests. Default 0.0004 (us-east-1, 2026-12-01).");
    public static final ConfigKey PRICE_TRANSFER_OUT = ConfigKey.of("pricing.transfer_out_per_gb",
            "US dollars per GB of file downloads sent out. Default 0.09 (us-east-1 to the internet, 2026-12-01).");

    private static final Map<String, ConfigKey> BY_NAME = index(List.of(
            SERVER_HOST, SERVER_PORT, SERVER_MAX_BODY_BYTES, SERVER_MAX_CONCURRENT_REQUESTS, SERVER_IDLE_TIMEOUT,
            SERVER_TRUSTED_PROXIES, SERVER_REQUEST_TIMEOUT, SERVER_MIN_REQUEST_DATA_RATE, SERVER_MAX_CONNECTIONS_PER_ADDRESS,
            LOG_FORMAT, LOG_LEVEL,
            LOCAL_DATA_DIR, AWS_REGION, AWS_ENDPOINT, AWS_DYNAMODB_ENDPOINT, AWS_S3_ENDPOINT, AWS_STS_ENDPOINT,
            AWS_S3_PATH_STYLE, AWS_EXPECTED_ACCOUNT_ID, AWS_API_TIMEOUT, AWS_MAX_RETRIES,
            CREDENTIALS_MODE, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, CREDENTIAL_EXPIRATION, PROFILE,
            USERS_TABLE, S3_BUCKET, S3_PREFIX, S3_VERSIONING, HEALTH_CACHE_TTL, HEALTH_PROBE_INTERVAL, PROVISION_ON_START, SECRET_KEY, ACCESS_TOKEN_TTL,
            // -- credentials --
            CONTAINER_FULL_URI, CONTAINER_RELATIVE_URI, CONTAINER_AUTHORIZATION_TOKEN, CONTAINER_AUTHORIZATION_TOKEN_FILE,
            WEB_IDENTITY_TOKEN_FILE, ROLE_ARN, ROLE_SESSION_NAME, IMDS_ENDPOINT,
            IMDS_TIMEOUT, ASSUME_ROLE_ARN, ASSUME_ROLE_EXTERNAL_ID, ASSUME_ROLE_DURATION, EXPIRY_WARNING, VALIDATE_CREDENTIALS,
            // -- auth --
            PASSWORD_MIN, PASSWORD_MAX, FULL_NAME_MAX, ARGON2_MEMORY, ARGON2_ITERATIONS, ARGON2_PARALLELISM, REFRESH_TOKEN_TTL,
            LOGIN_MAX_FAILURES, LOGIN_WINDOW, SERVICE_KEYS, DELETION_SWEEP_INTERVAL, OIDC_ISSUER, OIDC_AUDIENCE, CLOCK_LEEWAY,
            // -- records --
            // -- events --
            EVENTS_HEARTBEAT_INTERVAL, EVENTS_POLL_INTERVAL, EVENTS_REPLAY_WINDOW, EVENTS_SUBSCRIBER_BUFFER, EVENTS_MAX_STREAMS,
            // -- files --
            FILES_MAX_SIZE, FILES_ALLOWED_TYPES, FILES_MULTIPART_THRESHOLD, FILES_PART_SIZE, FILES_PRESIGN_MAX,
            FILES_SSE, FILES_KMS_KEY,
            // -- metrics --
            METRICS_TOKEN, METRICS_PORT,
            // -- usage --
            QUOTA_FILES_BYTES, QUOTA_FILES_COUNT, QUOTA_ITEMS_PER_COLLECTION, QUOTA_REQUESTS_PER_MINUTE, USAGE_FLUSH_INTERVAL,
            PRICE_DYNAMODB_READ, PRICE_DYNAMODB_WRITE, PRICE_DYNAMODB_STORAGE, PRICE_S3_STORAGE, PRICE_S3_CLASS_A,
            PRICE_S3_CLASS_B, PRICE_TRANSFER_OUT));

    private ConfigKeys() {
    }

    public static List<ConfigKey> all() {
        return List.copyOf(BY_NAME.values());
    }

    public static Optional<ConfigKey> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    private static Map<String, ConfigKey> index(List<ConfigKey> keys) {
        var map = new LinkedHashMap<String, ConfigKey>();
        for (ConfigKey key : keys) {
            map.put(key.name(), key);
        }
        return map;
    }
}
