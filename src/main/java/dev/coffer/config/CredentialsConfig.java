package dev.coffer.config;

import dev.coffer.support.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the configuration says about AWS credentials. The {@code credentials} piece turns this
 * into a provider; secrets stay wrapped in {@link Secret} until the SDK needs them.
 *
 * @param mode the requested mode
 * @param keySource where the access key id came from ({@code environment}, {@code .env}, {@code coffer.toml})
 */
public record CredentialsConfig(
        CredentialsMode mode,
        Optional<String> accessKeyId,
        Optional<Secret> secretAccessKey,
        Optional<Secret> sessionToken,
        Optional<Instant> expiration,
        Optional<String> profile,
        String keySource,
        Optional<URI> containerUri,
        Optional<Secret> containerAuthorizationToken,
        Optional<Path> containerAuthorizationTokenFile,
        Optional<Path> webIdentityTokenFile,
        Optional<String> roleArn,
        String roleSessionName,
        Optional<URI> imdsEndpoint,
        Duration imdsTimeout,
        Optional<String> assumeRoleArn,
        Optional<String> assumeRoleExternalId,
        Duration assumeRoleDuration,
        Duration expiryWarning,
        boolean validate) {

    public static final String ECS_HOST = "http://169.254.170.2";

    static CredentialsConfig from(Settings s, CredentialsMode mode, boolean customEndpointsWithoutSts) {
        Optional<URI> container = s.url(ConfigKeys.CONTAINER_FULL_URI).or(() -> s.string(ConfigKeys.CONTAINER_RELATIVE_URI)
                .map(relative -> URI.create(ECS_HOST + (relative.startsWith("/") ? relative : "/" + relative))));
        Optional<String> assumeRole = s.string(ConfigKeys.ASSUME_ROLE_ARN);
        assumeRole.ifPresent(arn -> requireRoleArn(s, ConfigKeys.ASSUME_ROLE_ARN, arn));
        Optional<String> roleArn = s.string(ConfigKeys.ROLE_ARN);
        roleArn.ifPresent(arn -> requireRoleArn(s, ConfigKeys.ROLE_ARN, arn));
        String sessionName = s.string(ConfigKeys.ROLE_SESSION_NAME, "coffer");
        if (!sessionName.matches("[\\w+=,.@-]{2,64}")) {
            throw s.invalid(ConfigKeys.ROLE_SESSION_NAME, "'" + sessionName + "' is not a role session name (2-64 of letters, digits, +=,.@_-)");
        }
        return new CredentialsConfig(mode,
                s.string(ConfigKeys.ACCESS_KEY_ID),
                s.secret(ConfigKeys.SECRET_ACCESS_KEY),
                s.secret(ConfigKeys.SESSION_TOKEN),
                s.instant(ConfigKeys.CREDENTIAL_EXPIRATION),
                s.string(ConfigKeys.PROFILE),
                s.sourceOf(ConfigKeys.ACCESS_KEY_ID),
                container,
                s.secret(ConfigKeys.CONTAINER_AUTHORIZATION_TOKEN),
                s.string(ConfigKeys.CONTAINER_AUTHORIZATION_TOKEN_FILE).map(Path::of),
                s.string(ConfigKeys.WEB_IDENTITY_TOKEN_FILE).map(Path::of),
                roleArn,
                sessionName,
                s.url(ConfigKeys.IMDS_ENDPOINT),
                s.duration(ConfigKeys.IMDS_TIMEOUT, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                assumeRole,
                s.string(ConfigKeys.ASSUME_ROLE_EXTERNAL_ID),
                s.duration(ConfigKeys.ASSUME_ROLE_DURATION, Duration.ofHours(1), Duration.ofMinutes(15), Duration.ofHours(12)),
                s.duration(ConfigKeys.EXPIRY_WARNING, Duration.ofMinutes(15), Duration.ZERO, Duration.ofDays(1)),
                s.bool(ConfigKeys.VALIDATE_CREDENTIALS, !customEndpointsWithoutSts));
    }

    private static void requireRoleArn(Settings s, ConfigKey key, String arn) {
        if (!arn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}")) {
            throw s.invalid(key, "'" + arn + "' is not an IAM role ARN like arn:aws:iam::123456789012:role/name");
        }
    }

    /** Whether platform credentials (container, web identity) are offered by the environment. */
    public boolean platformCredentialsPresent() {
        return containerUri.isPresent() || webIdentityTokenFile.isPresent();
    }
}
