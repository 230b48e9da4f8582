package dev.coffer.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.testing.Http;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * /health against moto about what only doctor used to see: a bucket in another region than
 * configured, and a write permission taken away while Coffer runs (found by the periodic harmless
 * probes, not by writing on every health call).
 */
class HealthTellsTheTruthTest {
    private static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    private static final String DENY_PUT_OBJECT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
            + "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}]}";

    private static Map<String, String> onMoto(MotoServer moto, String... pairs) {
        var env = new HashMap<String, String>();
        env.put("AWS_ENDPOINT_URL_STS", moto.endpoint().toString());
        env.put("AWS_DYNAMODB_ENDPOINT", moto.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", moto.endpoint().toString());
        env.put("SECRET_KEY", "health-truth-signing-key-0123456789abcdefg");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void bucketInAnotherRegion_unhealthyNamingTheRegionToSet() throws Exception {
        try (MotoServer moto = MotoServer.start(-1)) {
            String bucket = "health-eu-" + Long.toHexString(System.nanoTime());
            moto.cli("AKIAHEALTHREGION0001", "secret", List.of("s3api", "create-bucket", "--bucket", bucket,
                    "--create-bucket-configuration", "LocationConstraint=eu-west-1", "--region", "eu-west-1"));
            var env = onMoto(moto, "AWS_ACCESS_KEY_ID", "AKIAHEALTHREGION0001", "AWS_SECRET_ACCESS_KEY", "secret",
                    "AWS_REGION", "us-east-1", "S3_BUCKET", bucket,
                    // Provisioning would refuse the unencrypted bucket before health could be asked.
                    "COFFER_PROVISION_ON_START", "false");

            try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env))) {
                Http.Response health = coffer.http().get("/health");

                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().path("status").asText()).isEqualTo("unhealthy");
                JsonNode s3 = health.json().path("s3");
                assertThat(s3.path("status").asText()).isEqualTo("connection_failed");
                assertThat(s3.path("details").path("bucket_region").asText()).isEqualTo("eu-west-1");
                assertThat(s3.path("error").asText()).isEqualTo("region_mismatch: bucket " + bucket
                        + " is in eu-west-1, Coffer is configured for us-east-1");
                assertThat(s3.path("fix").asText()).isEqualTo("set AWS_REGION=eu-west-1 (its tables must be in that region too), "
                        + "or use a bucket in us-east-1");
            }
        }
    }

    @Test
    void putObjectDeniedWhileRunning_degradedWithinTheProbeInterval_notOnEveryCall() throws Exception {
        // The launcher that signs-checks S3 listings under a prefix as real S3 does (see moto_iam_server.py).
        try (MotoServer moto = MotoServer.startWithResourceAuthorization(3, java.nio.file.Files.createTempFile("moto-auth", ".jsonl"))) {
            MotoServer.AccessKey admin = moto.bootstrapAdmin();
            MotoServer.AccessKey app = moto.createUser(admin, "health-app", ALLOW_ALL);
            MutableClock clock = MutableClock.atNow();
            var env = onMoto(moto, "AWS_ACCESS_KEY_ID", app.id(), "AWS_SECRET_ACCESS_KEY", app.secret());

            try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env), clock)) {
                String bucket = coffer.server().config().storage().bucket();
                JsonNode before = coffer.http().get("/health").json();
                assertThat(before.path("status").asText()).as(before.toString()).isEqualTo("healthy");
                assertThat(before.path("s3").path("details").has("denied")).isFalse();

                moto.putUserPolicy(admin, "health-app", DENY_PUT_OBJECT);
                // Inside the interval: the start-up probe's result stands; this call wrote nothing.
                JsonNode inside = coffer.http().get("/health").json();
                assertThat(inside.path("status").asText()).isEqualTo("healthy");

                clock.advance(Duration.ofMinutes(5));
                Http.Response after = coffer.http().get("/health");
                JsonNode s3 = after.json().path("s3");
                assertThat(after.status()).isEqualTo(200);
                assertThat(after.json().path("status").asText()).isEqualTo("degraded");
                assertThat(s3.path("status").asText()).isEqualTo("connected");
                assertThat(s3.path("details").path("denied")).extracting(JsonNode::asText)
                        .containsExactly("s3:PutObject on " + bucket);
                assertThat(s3.path("error").asText()).isEqualTo("access_denied: s3:PutObject is denied");
                assertThat(s3.path("fix").asText()).isEqualTo("add statement CofferObjects from 'coffer policy --for runtime' "
                        + "to this identity's policy");
                assertThat(after.json().path("dynamodb").path("details").has("denied")).isFalse();
            }
        }
    }
}
