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
        EnvironmentFacts environment) {

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

    public record EnvironmentFacts(boolean has_aws_access_key, boolean has_aws_secret_key, boolean has_aws_session_token) {
    }
}
