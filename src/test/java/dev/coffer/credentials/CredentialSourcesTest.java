package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.aws.AwsErrors;
import dev.coffer.config.CofferConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.CredentialEndpoints;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.TestCoffer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Each credential source and each refusal, with real peers: a container endpoint fixture, S3Proxy, moto with IAM on. */
class CredentialSourcesTest {
    private static final String DEAD_IMDS = deadEndpoint();

    /** A loopback port nobody listens on: IMDS there fails at once, as off EC2. */
    private static String deadEndpoint() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CofferConfig remote(Map<String, String> extra) {
        var env = new HashMap<String, String>();
        env.put("AWS_DYNAMODB_ENDPOINT", "http://127.0.0.1:9");
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", DEAD_IMDS);
        env.putAll(extra);
        return TestCoffer.config("", env);
    }

    @Test
    void containerCredentials_fixtureEndpoint_keysAndExpiryPickedUp() throws Exception {
        Instant expiry = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (var ecs = CredentialEndpoints.container("/v2/credentials/abc", "ASIACONTAINERKEY0001", expiry)) {
            ResolvedCredentials credentials = TestCredentials.resolve(remote(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    ecs.uri("/v2/credentials/abc").toString())));

            assertThat(credentials.mode().label()).isEqualTo("role");
            assertThat(credentials.source()).isEqualTo("container");
            assertThat(credentials.maskedAccessKeyId()).isEqualTo("ASIA****0001");
            assertThat(credentials.expiration()).contains(expiry);
            assertThat(ecs.credentialRequests()).isPositive();
        }
    }

    @Test
    void containerCredentials_plainHttpToAnotherHost_refusedBeforeAnyRequest() {
        assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://example.com/v2/credentials/abc"))))
                .isInstanceOf(CofferException.class)
                .hasMessage("the container credentials URI http://example.com/v2/credentials/abc is neither HTTPS nor on "
                        + "loopback or the ECS/EKS credentials address");
    }

    @Test
    void auto_nothingAvailable_failsListingEverySourceTried() {
        assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of())))
                .isInstanceOf(CofferException.class)
                .hasMessageStartingWith("no AWS credentials found; tried environment keys: AWS_ACCESS_KEY_ID not set; "
                        + "container: AWS_CONTAINER_CREDENTIALS_FULL_URI/_RELATIVE_URI not set; web identity: AWS_WEB_IDENTITY_TOKEN_FILE "
                        + "not set; instance profile: no answer from " + DEAD_IMDS)
                .hasMessageContaining("~/.aws files are never read in auto mode");
    }

    @Test
    void auto_sharedCredentialsFilePresent_neverUsed_profileModeWouldUseIt() throws Exception {
        Path home = Files.createTempDirectory("home");
        Path file = home.resolve("credentials");
        Files.writeString(file, "[default]\naws_access_key_id = AKIAFROMFILE00000001\naws_secret_access_key = fileSecret0123456789abcdefghijklmnopqrs\n");
        String before = System.getProperty("aws.sharedCredentialsFile");
        System.setProperty("aws.sharedCredentialsFile", file.toString());
        try {
            assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of())))
                    .isInstanceOf(CofferException.class).hasMessageStartingWith("no AWS credentials found");
            ResolvedCredentials chosen = TestCredentials.resolve(remote(Map.of("COFFER_AWS_CREDENTIALS_MODE", "profile",
                    "AWS_PROFILE", "default")));
            assertThat(chosen.source()).isEqualTo("profile:default");
            assertThat(chosen.maskedAccessKeyId()).isEqualTo("AKIA****0001");
        } finally {
            if (before == null) {
                System.clearProperty("aws.sharedCredentialsFile");
            } else {
                System.setProperty("aws.sharedCredentialsFile", before);
            }
        }
    }

    @Test
    void mixedSignals_keysAndProfile_refusedNamingBoth() {
        assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_PROFILE", "dev"))))
                .hasMessage("conflicting credential settings: AWS_ACCESS_KEY_ID (from environment) and AWS_PROFILE=dev are both set; "
                        + "SDKs disagree on which wins");
        assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"))))
                .hasMessageContaining("AWS_ACCESS_KEY_ID (from environment) and platform credentials (AWS_CONTAINER_CREDENTIALS_*)");
    }

    @Test
    void staticModeWithSessionToken_refused_sessionModeWithoutToken_refused() {
        assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of("COFFER_AWS_CREDENTIALS_MODE", "static",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_SESSION_TOKEN", "token"))))
                .hasMessage("mode static is for long-lived IAM user keys, but AWS_SESSION_TOKEN is set");
        assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of("COFFER_AWS_CREDENTIALS_MODE", "session",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret"))))
                .hasMessage("mode session needs AWS_SESSION_TOKEN with the temporary keys");
    }

    @Test
    void expiredSessionKeys_refusedBeforeAnyAwsCall() {
        String expired = Instant.now().minusSeconds(60).toString();
        assertThatThrownBy(() -> TestCredentials.resolve(remote(Map.of("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE00000001",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_SESSION_TOKEN", "token", "AWS_CREDENTIAL_EXPIRATION", expired))))
                .isInstanceOf(CofferException.class)
                .hasMessage("the AWS credentials expired at " + Instant.parse(expired) + " (AWS_CREDENTIAL_EXPIRATION)")
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.EXPIRED_CREDENTIALS));
    }

    @Test
    void s3Proxy_wrongSecretAndUnknownKey_translatedWithFix() throws Exception {
        try (EmbeddedServers stack = EmbeddedServers.inMemory("AKIAREALKEY000000001", "realSecret0123456789abcdefghijklmnopqrst").start("test")) {
            CofferException wrongSecret = s3Failure(stack, "AKIAREALKEY000000001", "wrongSecret0123456789abcdefghijklmnopqr");
            CofferException unknownKey = s3Failure(stack, "AKIAUNKNOWN000000001", "realSecret0123456789abcdefghijklmnopqrst");

            assertThat(wrongSecret.code()).isEqualTo(ErrorCode.SIGNATURE_MISMATCH);
            assertThat(wrongSecret.oneLine()).isEqualTo("signature_mismatch: ListBuckets failed with SignatureDoesNotMatch: the secret "
                    + "key does not match the access key id. Fix: check AWS_SECRET_ACCESS_KEY for a typo, stray quotes or whitespace");
            assertThat(unknownKey.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
            assertThat(unknownKey.oneLine()).contains("InvalidAccessKeyId").contains("Fix: check AWS_ACCESS_KEY_ID");
            assertThat(wrongSecret.oneLine() + unknownKey.oneLine()).doesNotContain("realSecret").doesNotContain("wrongSecret");
        }
    }

    private static CofferException s3Failure(EmbeddedServers stack, String key, String secret) {
        try (S3Client s3 = S3Client.builder().endpointOverride(stack.s3().endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(() -> AwsBasicCredentials.create(key, secret)).build()) {
            s3.listBuckets();
            throw new AssertionError("expected a failure");
        } catch (SdkException e) {
            return AwsErrors.translate(e, "ListBuckets");
        }
    }

    @Test
    void motoWithIamOn_unknownKeyAndMissingPermission_realErrorCodesTranslated() throws Exception {
        // Three unauthenticated setup calls, then moto enforces IAM.
        try (MotoServer moto = MotoServer.start(3)) {
            moto.cli("AKIASETUP00000000001", "setup", List.of("iam", "create-user", "--user-name", "app"));
            var keys = dev.coffer.support.Json.mapper().readTree(moto.cli("AKIASETUP00000000001", "setup",
                    List.of("iam", "create-access-key", "--user-name", "app"))).path("AccessKey");
            moto.cli("AKIASETUP00000000001", "setup", List.of("iam", "put-user-policy", "--user-name", "app", "--policy-name", "only-sts",
                    "--policy-document", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:GetCallerIdentity\",\"Resource\":\"*\"}]}"));
            String keyId = keys.path("AccessKeyId").asText();
            String secret = keys.path("SecretAccessKey").asText();

            CofferException denied;
            try (S3Client s3 = S3Client.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(() -> AwsBasicCredentials.create(keyId, secret)).build()) {
                s3.listObjectsV2(b -> b.bucket("coffer-files"));
                throw new AssertionError("expected AccessDenied");
            } catch (SdkException e) {
                denied = AwsErrors.translate(e, "ListObjectsV2 on coffer-files");
            }
            CofferConfig unknown = TestCoffer.config("", Map.of("AWS_ACCESS_KEY_ID", "AKIANOBODY0000000001", "AWS_SECRET_ACCESS_KEY",
                    "nobodySecret0123456789abcdefghijklmnopq", "AWS_ENDPOINT_URL_STS", moto.endpoint().toString(),
                    "AWS_DYNAMODB_ENDPOINT", moto.endpoint().toString()));

            assertThat(denied.code()).isEqualTo(ErrorCode.ACCESS_DENIED);
            assertThat(denied.fix()).hasValueSatisfying(f -> assertThat(f).contains("coffer policy"));
            assertThatThrownBy(() -> TestCredentials.verify(unknown))
                    .isInstanceOf(CofferException.class)
                    .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY))
                    .hasMessageContaining("InvalidClientTokenId");
        }
    }
}
