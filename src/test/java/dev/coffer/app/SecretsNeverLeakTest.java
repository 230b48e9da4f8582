package dev.coffer.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.logging.SecretMasker;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.TestCoffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known fake secrets configured the way a deployment would (environment), then everything
 * Coffer logs and answers is searched for them.
 */
class SecretsNeverLeakTest {
    private static final String KEY_ID = "AKIAFAKEKEYFORTESTS1";
    private static final String SECRET = "fAkeSecretKey/ForTests+0123456789abcdefgh";
    private static final String SESSION_TOKEN = "FwoGZXIvYXdzEFAKE" + "SessionTokenForTests".repeat(8);
    /** Someone's AWS secret that Coffer never saw, pasted into a URL: only its shape can mask it. */
    private static final String UNREGISTERED_SECRET = "q8Xr2LmZ/Vb7Nc4Kd1Pf9Gh3Jt6Wy0Es5Ua8Io2B";
    private static final String SIGNING_KEY = "test-signing-key-" + "0123456789abcdefghijklmnopqrstuvwxyz";

    @Test
    void remoteMode_fakeKeysConfigured_noSecretInLogsHealthOrErrors() throws Exception {
        List<String> responses = new ArrayList<>();
        try (LogCapture logs = LogCapture.start();
             EmbeddedServers stack = EmbeddedServers.inMemory(KEY_ID, SECRET).start("in memory, secrets test")) {
            Map<String, String> env = Map.of(
                    "AWS_ACCESS_KEY_ID", KEY_ID,
                    "AWS_SECRET_ACCESS_KEY", SECRET,
                    "AWS_SESSION_TOKEN", SESSION_TOKEN,
                    "SECRET_KEY", SIGNING_KEY,
                    "AWS_DYNAMODB_ENDPOINT", stack.dynamoDb().endpoint().toString(),
                    "AWS_ENDPOINT_URL_S3", stack.s3().endpoint().toString());
            for (String secret : List.of(SECRET, SESSION_TOKEN, SIGNING_KEY)) {
                SecretMasker.register(secret);
            }
            try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env))) {
                Http http = coffer.http();
                responses.add(http.get("/health").body());
                responses.add(http.get("/health/ready").body());
                responses.add(http.get("/no-such-route").body());
                responses.add(http.request("POST", "/health").json("{\"secret\":\"" + SECRET + "\"}").send().body());
                responses.add(http.request("GET", "/health").header("Authorization", "Bearer " + SIGNING_KEY).send().body());
                responses.add(http.get("/api/v1/files/" + UNREGISTERED_SECRET).body());
                responses.add(http.get("/api/v1/files/" + UNREGISTERED_SECRET.replace("/", "%2F")).body());
                stack.s3().stop();
                responses.add(http.get("/health").body());
                stack.s3().start();
            }
            String logged = logs.text();

            assertThat(logged).contains("credentials: mode=session").contains("AKIA****STS1");
            assertThat(logged).doesNotContain("Nc4Kd1Pf9Gh3");
            for (String secret : List.of(SECRET, SESSION_TOKEN, SIGNING_KEY)) {
                assertThat(logged).doesNotContain(secret);
                assertThat(responses).noneMatch(body -> body.contains(secret));
            }
            assertThat(responses.get(0)).contains("\"has_aws_secret_key\":true").doesNotContain(KEY_ID);
        }
    }

    @Test
    void masker_secretShapedValues_maskedEvenWhenNotRegistered() {
        String awsShapedSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz";
        String line = "oops key=" + awsShapedSecret + " token=" + "IQoJb3JpZ2luX2VjE".repeat(10);

        String masked = SecretMasker.mask(line);

        assertThat(masked).doesNotContain(awsShapedSecret).doesNotContain("IQoJb3JpZ2luX2VjEIQoJ").startsWith("oops key=****");
    }
}
