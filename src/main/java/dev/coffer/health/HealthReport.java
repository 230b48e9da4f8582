package dev.coffer.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The body of {@code GET /health}. Holds no secrets: only modes, names, states and booleans. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthReport(
        Status status,
        String service,
        String version,
        CredentialsHealth credentials,
        DependencyHealth dynamodb,
        DependencyHealth s3,
        EnvironmentFacts environment,
        AuthHealth auth) {

    public enum Status {
        @JsonProperty("healthy") HEALTHY,
        @JsonProperty("degraded") DEGRADED,
        @JsonProperty("unhealthy") UNHEALTHY
    }

    /** {@code connected}, {@code not_configured} or {@code connection_failed}. */
    public enum Connection {
        @JsonProperty("connected") CONNECTED,
        @JsonProperty("not_configured") NOT_CONFIGURED,
        @JsonProperty("connection_failed") CONNECTION_FAILED
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CredentialsHealth(String mode, String source, String status, String access_key_id,
                                    String expires_at, Long seconds_left, String last_refresh, String last_refresh_error) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DependencyHealth(Connection status, Map<String, Object> details, String error, String fix) {
    }

    /** The identity providers Coffer depends on besides its own accounts. */
    public record AuthHealth(OidcHealth oidc) {
        public static final AuthHealth NOT_CONFIGURED = new AuthHealth(new OidcHealth(Connection.NOT_CONFIGURED,
                null, null, null, null, null, null));
    }

    /**
     * The external OIDC issuer: {@code connected} while its keys are cached and the last JWKS fetch
     * worked, {@code connection_failed} when the last fetch failed or no key is usable.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OidcHealth(Connection status, String issuer, String audience, String jwks_uri, Integer keys_cached,
                             Long keys_age_seconds, LastFetch last_fetch) {
    }

    /** The last JWKS fetch: when (ISO-8601), whether it worked, and why not. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LastFetch(String at, boolean ok, String error) {
    }

    public record EnvironmentFacts(boolean has_aws_access_key, boolean has_aws_secret_key, boolean has_aws_session_token) {
    }
}
