package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.CutOffUpload;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.RawHttp;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Limits, interrupted uploads, hostile raw paths, account deletion and credential-bounded presigning. */
@ExtendWith(SharedEmbeddedServers.class)
class FilesLimitsAndFailuresTest {

    @Test
    void contentTypeAllowListAndMaxSize_enforced(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of("COFFER_FILES_ALLOWED_CONTENT_TYPES", "video/*",
                "COFFER_FILES_MAX_SIZE_BYTES", "1000"))) {
            String token = coffer.tokenFor("vid");
            Http http = coffer.http();

            Http.Response image = http.request("PUT", "/api/v1/files/a.png").bearer(token).body(new byte[10], "image/png").send();
            Http.Response big = http.request("PUT", "/api/v1/files/a.mp4").bearer(token).body(new byte[1001], "video/mp4").send();
            Http.Response ok = http.request("PUT", "/api/v1/files/a.mp4").bearer(token).body(new byte[1000], "video/mp4").send();
            Http.Response presignImage = http.postJson("/api/v1/files/presign", token,
                    Map.of("path", "b.png", "method", "PUT", "content_type", "image/png"));

            assertThat(image.status()).isEqualTo(415);
            assertThat(image.json().path("detail").asText()).isEqualTo("files of type image/png are not accepted here (allowed: video/*)");
            assertThat(big.status()).isEqualTo(413);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(presignImage.status()).isEqualTo(415);
        }
    }

    @Test
    void clientDisconnectsMidUpload_noObjectAndNoOrphanedMultipartUpload(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of("COFFER_FILES_MULTIPART_THRESHOLD_BYTES", "5242880",
                "COFFER_FILES_PART_SIZE_BYTES", "5242880"))) {
            String token = coffer.tokenFor("quitter");
            // 12 MiB: two parts uploaded, then the client vanishes.
            assertThat(CutOffUpload.send(coffer.server().port(), token, "partial.bin", 12)).startsWith("HTTP/1.1 400");
            String bucket = coffer.server().config().storage().bucket();
            var s3 = coffer.server().clients().s3();
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("users/quitter/")).contents()).isEmpty();
            assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        }
    }

    @Test
    void storageBreaksOffMidDownload_answerCutShortNeverWhole_thenServedAgain(EmbeddedServers stack) throws Exception {
        try (var s3 = FaultProxy.in(stack.s3().endpoint())) {
            var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), s3.endpoint());
            try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env))) {
                String token = coffer.tokenFor("downloader");
                byte[] content = new byte[1024 * 1024];
                new java.util.Random(7).nextBytes(content);
                Http http = coffer.http();
                assertThat(http.request("PUT", "/api/v1/files/big.bin").bearer(token).body(content, "application/octet-stream")
                        .send().status()).isEqualTo(200);

                s3.mode(FaultProxy.Mode.CUT_ANSWER_ONCE);
                // Half the object has gone out behind a Content-Length of all of it: the connection
                // is cut, so the client knows the answer is short instead of taking it as the file.
                assertThatThrownBy(() -> http.get("/api/v1/files/big.bin", token)).isInstanceOf(UncheckedIOException.class);

                Http.Response again = http.get("/api/v1/files/big.bin", token);
                assertThat(again.status()).isEqualTo(200);
                assertThat(again.bytes()).isEqualTo(content);
            }
        }
    }

    /**
     * S3Proxy on disk (as a {@code coffer serve} elsewhere runs it) refuses per-object encryption
     * headers with 501, as MinIO without a KMS does: behind an S3 endpoint no header is asked for
     * unless files.sse says so, and then the refusal names the setting instead of saying "retry".
     */
    @Test
    void remoteBehindAnS3Endpoint_uploadsWithoutEncryptionHeaders_explicitSseRefusalNamesTheSetting(
            EmbeddedServers stack, @TempDir Path dir) throws Exception {
        try (var onDisk = EmbeddedServers.onDisk(dir).start("files test")) {
            var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), onDisk.s3().endpoint());
            byte[] content = new byte[1024 * 1024];
            new Random(11).nextBytes(content);
            try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env))) {
                String token = coffer.tokenFor("plain-sse");
                Http http = coffer.http();
                for (int size : new int[] {1024, content.length}) {
                    byte[] body = Arrays.copyOf(content, size);
                    assertThat(http.request("PUT", "/api/v1/files/f" + size + ".bin").bearer(token)
                            .body(body, "application/octet-stream").send().status()).as("upload of %d bytes", size).isEqualTo(200);
                    assertThat(http.get("/api/v1/files/f" + size + ".bin", token).bytes()).isEqualTo(body);
                }
            }
            env.put("COFFER_FILES_SSE", "s3");
            try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env));
                 var log = LogCapture.start()) {
                String token = coffer.tokenFor("asked-sse");
                var refused = coffer.http().request("PUT", "/api/v1/files/small.bin").bearer(token)
                        .body(new byte[1024], "application/octet-stream").send();
                assertThat(refused.status()).isEqualTo(502);
                assertThat(refused.json().path("detail").asText()).contains("NotImplemented");
                // The fix is for the operator: in the log, not in the client's answer.
                assertThat(log.text()).contains("set files.sse = \"bucket\"").doesNotContain("Fix: retry");
                assertThat(coffer.http().get("/api/v1/files", token).json().path("files").size()).isZero();
            }
        }
    }

    @Test
    void hostileRawPaths_400BeforeS3(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            String token = coffer.tokenFor("mallory");
            for (String raw : new String[] {"a/../../users/alice/x", "%2e%2e/alice/x", "..%2Falice", "a%5C..%5Cb", "a//b", "a%00",
                "%2Fetc%2Fpasswd", "cafe%CC%81.txt"}) {
                String answer = RawHttp.exchange(coffer.server().port(), "GET /api/v1/files/" + raw + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + token + "\r\nConnection: close\r\n\r\n");
                assertThat(answer).as(raw).startsWith("HTTP/1.1 400");
                assertThat(answer.toLowerCase(java.util.Locale.ROOT)).as(raw).contains("application/problem+json");
            }
        }
    }

    @Test
    void deleteAllFor_removesEveryFileOfThatUserOnly(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            Http http = coffer.http();
            String gone = coffer.tokenFor("gone");
            String stays = coffer.tokenFor("stays");
            for (int i = 0; i < 5; i++) {
                http.request("PUT", "/api/v1/files/d/" + i).bearer(gone).body(new byte[] {1}, "application/octet-stream").send();
            }
            http.request("PUT", "/api/v1/files/d/0").bearer(stays).body(new byte[] {1}, "application/octet-stream").send();

            coffer.server().userDataOwners().forEach(owner -> owner.deleteAllFor(new dev.coffer.identity.UserId("gone")));

            assertThat(http.get("/api/v1/files", gone).json().path("files").size()).isZero();
            assertThat(http.get("/api/v1/files", stays).json().path("files").size()).isEqualTo(1);
        }
    }

    @Test
    void presign_sessionEndingSooner_urlDiesWithIt(EmbeddedServers stack) throws Exception {
        var env = new HashMap<String, String>();
        env.put("AWS_ACCESS_KEY_ID", EmbeddedServers.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedServers.SECRET_ACCESS_KEY);
        env.put("AWS_SESSION_TOKEN", "session-token-for-presign-test");
        env.put("AWS_CREDENTIAL_EXPIRATION", Instant.now().plusSeconds(300).toString());
        env.put("AWS_DYNAMODB_ENDPOINT", stack.dynamoDb().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", stack.s3().endpoint().toString());
        env.put("SECRET_KEY", "files-test-signing-key-0123456789abcdefgh");
        try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env))) {
            String token = coffer.tokenFor("short");
            var presigned = coffer.http().postJson("/api/v1/files/presign", token, Map.of("path", "x.txt", "expires_in", 600)).json();

            assertThat(presigned.path("expires_in").asLong()).isBetween(250L, 300L);
            assertThat(presigned.path("limited_by_credentials").asBoolean()).isTrue();
            assertThat(Instant.parse(presigned.path("expires_at").asText())).isBefore(Instant.now().plusSeconds(301));
        }
    }

}
