package dev.coffer.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Region, endpoints and call limits shared by every AWS client. */
public record AwsConfig(
        String region,
        Optional<URI> dynamodbEndpoint,
        Optional<URI> s3Endpoint,
        Optional<URI> stsEndpoint,
        boolean s3PathStyle,
        Optional<String> expectedAccountId,
        Duration apiCallTimeout,
        int maxRetries,
        CredentialsConfig credentials) {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_RETRIES = 3;
}
