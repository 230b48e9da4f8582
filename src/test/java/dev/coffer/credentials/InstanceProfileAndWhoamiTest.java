package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.coffer.cli.Main;
import dev.coffer.support.Json;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.TestCoffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The EC2 instance profile over IMDSv2 (a loopback fixture the SDK talks to), and `coffer whoami`. */
class InstanceProfileAndWhoamiTest {

    @Test
    void imdsV2Fixture_autoPicksUpInstanceProfileKeysAndExpiry() throws Exception {
        AtomicInteger tokenRequests = new AtomicInteger();
        String expiry = Instant.now().plusSeconds(6 * 3600).toString().replaceAll("\\.\\d+Z$", "Z");
        HttpServer imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/latest/api/token", ex -> {
            if (ex.getRequestMethod().equals("PUT") && ex.getRequestHeaders().getFirst("x-aws-ec2-metadata-token-ttl-seconds") != null) {
                tokenRequests.incrementAndGet();
                reply(ex, 200, "imds-session-token");
            } else {
                reply(ex, 400, "");
            }
        });
        imds.createContext("/latest/meta-data/iam/security-credentials/", ex -> {
            if (!"imds-session-token".equals(ex.getRequestHeaders().getFirst("x-aws-ec2-metadata-token"))) {
                reply(ex, 401, "");
            } else if (ex.getRequestURI().getPath().endsWith("/security-credentials/")) {
                reply(ex, 200, "coffer-instance-role");
            } else {
                reply(ex, 200, "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAINSTANCEKEY00001\","
                        + "\"SecretAccessKey\":\"instanceSecret0123456789abcdefghijklmnop\",\"Token\":\"instanceToken\","
                        + "\"Expiration\":\"" + expiry + "\"}");
            }
        });
        imds.start();
        try {
            var config = TestCoffer.config("", Map.of("AWS_DYNAMODB_ENDPOINT", "http://127.0.0.1:9",
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + imds.getAddress().getPort()));

            ResolvedCredentials credentials = TestCredentials.resolve(config);

            assertThat(credentials.mode().label()).isEqualTo("role");
            assertThat(credentials.source()).isEqualTo("instance-profile");
            assertThat(credentials.maskedAccessKeyId()).isEqualTo("ASIA****0001");
            assertThat(credentials.expiration()).contains(Instant.parse(expiry));
            assertThat(tokenRequests.get()).as("IMDSv2 session token used").isPositive();
        } finally {
            imds.stop(0);
        }
    }

    @Test
    void whoamiJson_printsIdentityWithMaskedKeyNeverTheSecret() throws Exception {
        String secret = "whoamiSecret0123456789abcdefghijklmnopqr";
        try (MotoServer moto = MotoServer.start(-1)) {
            Path env = Files.createTempFile("whoami", ".env");
            Files.writeString(env, "AWS_ACCESS_KEY_ID=AKIAWHOAMITEST000001\nAWS_SECRET_ACCESS_KEY=" + secret + "\nAWS_ENDPOINT_URL_STS="
                    + moto.endpoint() + "\nAWS_DYNAMODB_ENDPOINT=" + moto.endpoint() + "\n");
            var out = new ByteArrayOutputStream();
            PrintStream old = System.out;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = Main.run("whoami", "--json", "--env-file", env.toString());
            } finally {
                System.setOut(old);
            }
            var json = Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
            assertThat(code).isZero();
            assertThat(json.path("mode").asText()).isEqualTo("static");
            assertThat(json.path("source").asText()).isEqualTo(".env");
            assertThat(json.path("access_key_id").asText()).isEqualTo("AKIA****0001");
            assertThat(json.path("account").asText()).isEqualTo("123456789012");
            assertThat(json.has("arn")).isTrue();
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(secret);
        }
    }

    @Test
    void whoami_expiredKeys_exit3WithRenewFix() throws Exception {
        Path env = Files.createTempFile("whoami", ".env");
        Files.writeString(env, "AWS_ACCESS_KEY_ID=ASIAEXPIREDKEY000001\nAWS_SECRET_ACCESS_KEY=x\nAWS_SESSION_TOKEN=t\n"
                + "AWS_CREDENTIAL_EXPIRATION=2020-01-01T00:00:00Z\nAWS_DYNAMODB_ENDPOINT=http://127.0.0.1:9\n");
        var err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("whoami", "--env-file", env.toString());
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith(
                "coffer: expired_credentials: the AWS credentials expired at 2020-01-01T00:00:00Z (AWS_CREDENTIAL_EXPIRATION). Fix: renew them");
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }
}
