package dev.coffer.credentials;

import dev.coffer.config.CofferConfig;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.local.EmbeddedServers;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;

/**
 * Turns the credentials configuration into a named provider, wrapping the AWS SDK's own
 * providers (one per source). {@code auto} tries explicit keys, then container credentials, then
 * web identity, then the EC2 instance profile, and never reads {@code ~/.aws}; a profile is used
 * only when chosen with mode {@code profile} or {@code sso}. Mixed signals are refused instead of
 * letting one silently win.
 */
public final class CredentialsResolver {
    private CredentialsResolver() {
    }

    public static ResolvedCredentials resolve(CofferConfig config) {
        return resolve(config, Clock.systemUTC());
    }

    public static ResolvedCredentials resolve(CofferConfig config, Clock clock) {
        CredentialsConfig c = config.aws().credentials();
        if (config.local()) {
            return guarded("local", "embedded", StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY)), EmbeddedServers.ACCESS_KEY_ID,
                    Optional.empty(), clock);
        }
        c.expiration().ifPresent(expiry -> refuseExpired(expiry, clock));
        String mode = c.mode().equals("assume-role") ? "auto" : c.mode();
        ResolvedCredentials base = switch (mode) {
            case "static" -> staticKeys(c, clock);
            case "session" -> sessionKeys(c, clock);
            case "role" -> role(config, c, clock, List.of()).orElseThrow(() -> nothingFound(List.of(
                    "container: AWS_CONTAINER_CREDENTIALS_FULL_URI/_RELATIVE_URI not set",
                    "web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set", "instance profile: unreachable")));
            case "profile", "sso" -> profile(c, mode, clock);
            default -> auto(config, c, clock);
        };
        if (c.assumeRoleArn().isPresent()) {
            return assumeRole(config, c, base, clock);
        }
        return base;
    }

    private static ResolvedCredentials auto(CofferConfig config, CredentialsConfig c, Clock clock) {
        boolean keys = c.accessKeyId().isPresent() || c.secretAccessKey().isPresent();
        if (keys && c.profile().isPresent()) {
            throw mixed("AWS_ACCESS_KEY_ID (from " + c.keySource() + ") and AWS_PROFILE=" + c.profile().get()
                    + " are both set; SDKs disagree on which wins", "remove AWS_PROFILE, or remove the keys and set "
                    + "COFFER_AWS_CREDENTIALS_MODE=profile");
        }
        if (keys && c.platformCredentialsPresent()) {
            throw mixed("AWS_ACCESS_KEY_ID (from " + c.keySource() + ") and platform credentials ("
                    + (c.containerUri().isPresent() ? "AWS_CONTAINER_CREDENTIALS_*" : "AWS_WEB_IDENTITY_TOKEN_FILE")
                    + ") are both set", "remove the keys to use the platform's role, or set COFFER_AWS_CREDENTIALS_MODE=static");
        }
        if (keys) {
            return c.sessionToken().isPresent() ? sessionKeys(c, clock) : staticKeys(c, clock);
        }
        var tried = new ArrayList<String>();
        tried.add("environment keys: AWS_ACCESS_KEY_ID not set");
        return role(config, c, clock, tried).orElseThrow(() -> nothingFound(tried));
    }

    private static ResolvedCredentials staticKeys(CredentialsConfig c, Clock clock) {
        requireKeys(c, "static");
        if (c.sessionToken().isPresent()) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "mode static is for long-lived IAM user keys, but AWS_SESSION_TOKEN is set",
                    "use COFFER_AWS_CREDENTIALS_MODE=session for temporary keys, or unset AWS_SESSION_TOKEN");
        }
        String keyId = c.accessKeyId().get();
        return guarded("static", c.keySource(), StaticCredentialsProvider.create(
                AwsBasicCredentials.create(keyId, c.secretAccessKey().get().reveal())), keyId, Optional.empty(), clock);
    }

    private static ResolvedCredentials sessionKeys(CredentialsConfig c, Clock clock) {
        requireKeys(c, "session");
        if (c.sessionToken().isEmpty()) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "mode session needs AWS_SESSION_TOKEN with the temporary keys",
                    "export the full set (aws configure export-credentials --format env), or use mode static for IAM user keys");
        }
        String keyId = c.accessKeyId().get();
        return guarded("session", c.keySource(), StaticCredentialsProvider.create(AwsSessionCredentials.create(keyId,
                c.secretAccessKey().get().reveal(), c.sessionToken().get().reveal())), keyId, c.expiration(), clock);
    }

    private static Optional<ResolvedCredentials> role(CofferConfig config, CredentialsConfig c, Clock clock, List<String> tried) {
        if (c.containerUri().isPresent()) {
            // The SDK's container provider takes its URI from this setting (or the environment it mirrors).
            System.setProperty("aws.containerCredentialsFullUri", c.containerUri().get().toString());
            var provider = ContainerCredentialsProvider.builder().asyncCredentialUpdateEnabled(false).build();
            return Optional.of(guarded("role", "container", provider, null, Optional.empty(), clock));
        }
        tried.add("container: AWS_CONTAINER_CREDENTIALS_FULL_URI/_RELATIVE_URI not set");
        if (c.webIdentityTokenFile().isPresent()) {
            if (c.roleArn().isEmpty()) {
                throw new CofferException(ErrorCode.NO_CREDENTIALS, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
                        "set AWS_ROLE_ARN to the role the token may assume");
            }
            var tokenFile = c.webIdentityTokenFile().get();
            StsClient sts = stsClient(config, software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create());
            var provider = StsAssumeRoleWithWebIdentityCredentialsProvider.builder().stsClient(sts)
                    .refreshRequest(() -> software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest.builder()
                            .roleArn(c.roleArn().get()).roleSessionName(c.roleSessionName()).webIdentityToken(read(tokenFile)).build())
                    .build();
            return Optional.of(guarded("role", "web-identity", provider, null, Optional.empty(), clock));
        }
        tried.add("web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set");
        // The SDK reads the IMDS wait from this setting; one second instead of its default keeps start-up fast off EC2.
        System.setProperty("aws.ec2MetadataServiceTimeout", Long.toString(Math.max(1, c.imdsTimeout().toSeconds())));
        var imds = InstanceProfileCredentialsProvider.builder().asyncCredentialUpdateEnabled(false);
        c.imdsEndpoint().ifPresent(e -> imds.endpoint(e.toString()));
        AwsCredentialsProvider provider = imds.build();
        try {
            provider.resolveCredentials();
            return Optional.of(guarded("role", "instance-profile", provider, null, Optional.empty(), clock));
        } catch (RuntimeException e) {
            tried.add("instance profile: no answer from " + c.imdsEndpoint().map(Object::toString).orElse("169.254.169.254")
                    + " within " + c.imdsTimeout().toSeconds() + " s");
            return Optional.empty();
        }
    }

    private static ResolvedCredentials profile(CredentialsConfig c, String mode, Clock clock) {
        String name = c.profile().orElse("default");
        var provider = ProfileCredentialsProvider.builder().profileName(name).build();
        return guarded(mode, "profile:" + name, provider, null, Optional.empty(), clock);
    }

    private static ResolvedCredentials assumeRole(CofferConfig config, CredentialsConfig c, ResolvedCredentials base, Clock clock) {
        StsClient sts = stsClient(config, base.provider());
        var provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts).refreshRequest(r -> {
            r.roleArn(c.assumeRoleArn().get()).roleSessionName(c.roleSessionName())
                    .durationSeconds((int) c.assumeRoleDuration().toSeconds());
            c.assumeRoleExternalId().ifPresent(r::externalId);
        }).asyncCredentialUpdateEnabled(false).build();
        return guarded("assume-role", base.mode() + ":" + base.source() + " -> " + c.assumeRoleArn().get(), provider, null,
                Optional.empty(), clock);
    }

    /** An STS client for credential sources themselves (assume-role, web identity); closed with the process. */
    static StsClient stsClient(CofferConfig config, AwsCredentialsProvider credentials) {
        var builder = StsClient.builder().region(Region.of(config.aws().region())).credentialsProvider(credentials)
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().build())
                .overrideConfiguration(dev.coffer.aws.AwsClients.noProfileFiles());
        config.aws().stsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static ResolvedCredentials guarded(String mode, String source, AwsCredentialsProvider provider, String keyId,
                                               Optional<Instant> expiry, Clock clock) {
        var guard = new GuardedCredentialsProvider(provider, expiry, clock);
        String id = keyId;
        if (id == null) {
            try {
                id = guard.resolveCredentials().accessKeyId();
            } catch (RuntimeException e) {
                CofferException translated = dev.coffer.aws.AwsErrors.translate(e instanceof software.amazon.awssdk.core.exception.SdkException sdk
                        ? sdk : software.amazon.awssdk.core.exception.SdkClientException.create(String.valueOf(e.getMessage()), e),
                        "loading " + source + " credentials");
                if (translated.code() == ErrorCode.EXPIRED_CREDENTIALS && source.startsWith("profile:")) {
                    String profile = source.substring("profile:".length());
                    throw new CofferException(ErrorCode.EXPIRED_CREDENTIALS, "the SSO login of profile " + profile + " has expired",
                            "run 'aws sso login --profile " + profile + "' and try again", null, e);
                }
                throw translated;
            }
        }
        return new ResolvedCredentials(mode, source, guard, id);
    }

    private static void requireKeys(CredentialsConfig c, String mode) {
        if (c.accessKeyId().isEmpty() || c.secretAccessKey().isEmpty()) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "mode " + mode + " needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                    + (c.accessKeyId().isPresent() ? " (the secret is missing)" : ""), "set both, in the environment, .env or coffer.toml");
        }
    }

    private static void refuseExpired(Instant expiry, Clock clock) {
        if (!clock.instant().isBefore(expiry)) {
            throw new CofferException(ErrorCode.EXPIRED_CREDENTIALS, "the AWS credentials expired at " + expiry
                    + " (AWS_CREDENTIAL_EXPIRATION)", "renew them (aws sso login, aws-vault exec, or aws configure export-credentials) and restart, or send SIGHUP after updating .env");
        }
    }

    private static String read(java.nio.file.Path file) {
        try {
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "cannot read the web identity token file " + file,
                    "check AWS_WEB_IDENTITY_TOKEN_FILE and the file's permissions");
        }
    }

    private static CofferException nothingFound(List<String> tried) {
        return new CofferException(ErrorCode.NO_CREDENTIALS, "no AWS credentials found; tried " + String.join("; ", tried)
                + " (~/.aws files are never read in auto mode)", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run on a platform "
                + "with a role, or choose a profile with COFFER_AWS_CREDENTIALS_MODE=profile and AWS_PROFILE");
    }

    private static CofferException mixed(String detail, String fix) {
        return new CofferException(ErrorCode.NO_CREDENTIALS, "conflicting credential settings: " + detail, fix);
    }
}
