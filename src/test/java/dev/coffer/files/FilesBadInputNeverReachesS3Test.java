package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.ApiScenario;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad file requests are refused by Coffer itself, naming the field: a counting proxy in front of
 * S3 sees none of them. S3's own limits (1024-byte keys, including the user's folder) and the
 * files configuration (allow-list, size limit) hold for presigned uploads too.
 */
@ExtendWith(SharedEmbeddedServers.class)
class FilesBadInputNeverReachesS3Test {
    static final String FILES = "/api/v1/files";
    /** 1020 bytes: a valid path, but with "users/erin/" in front a key of 1031 bytes. */
    static final String OVER_KEY_LIMIT = "p".repeat(1020);
    static FaultProxy s3;
    static TestCoffer coffer;
    static Http http;
    static String token;
    static String albumCursor;

    @BeforeAll
    static void start(EmbeddedServers stack) throws Exception {
        s3 = FaultProxy.in(stack.s3().endpoint());
        var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), s3.endpoint());
        env.put("COFFER_FILES_ALLOWED_CONTENT_TYPES", "image/*,text/plain");
        env.put("COFFER_FILES_MAX_SIZE_BYTES", "1000");
        // A clock that stands still: the caller's account check, read by the first request, stays
        // remembered, so every request counted below reaches storage only through its own input.
        coffer = TestCoffer.startRemote(TestCoffer.config("", env), MutableClock.atNow());
        http = coffer.http();
        token = coffer.tokenFor("erin");
        for (String name : List.of("a", "b", "c")) {
            assertThat(http.request("PUT", FILES + "/album/" + name + ".txt").bearer(token).body(new byte[] {1}, "text/plain").send()
                    .status()).isEqualTo(200);
        }
        albumCursor = http.get(FILES + "?prefix=album/&limit=1", token).json().path("next_cursor").asText();
        assertThat(albumCursor).isNotEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
        s3.close();
    }


    static List<ApiScenario> scenarios() {
        String presign = FILES + "/presign";
        return List.of(
                ApiScenario.of("path over S3's key limit: PUT", "PUT", FILES + "/" + OVER_KEY_LIMIT).body("x", "text/plain")
                        .problem(400, "validation_failed").contains("'path'", "1013 bytes"),
                ApiScenario.of("path over S3's key limit: GET", "GET", FILES + "/" + OVER_KEY_LIMIT)
                        .problem(400, "validation_failed").contains("'path'"),
                ApiScenario.of("path over S3's key limit: DELETE", "DELETE", FILES + "/" + OVER_KEY_LIMIT)
                        .problem(400, "validation_failed").contains("'path'"),
                ApiScenario.of("path over S3's key limit: presign", "POST", presign)
                        .json("{\"path\":\"" + OVER_KEY_LIMIT + "\",\"method\":\"GET\"}").problem(400, "validation_failed").contains("'path'"),
                ApiScenario.of("prefix over S3's key limit", "GET", FILES + "?prefix=" + OVER_KEY_LIMIT)
                        .problem(400, "validation_failed").contains("'prefix'"),
                ApiScenario.of("presigned PUT without size", "POST", presign)
                        .json("{\"path\":\"x.txt\",\"method\":\"PUT\",\"content_type\":\"text/plain\"}")
                        .problem(400, "validation_failed").contains("'size'"),
                ApiScenario.of("presigned PUT of a negative size", "POST", presign)
                        .json("{\"path\":\"x.txt\",\"method\":\"PUT\",\"content_type\":\"text/plain\",\"size\":-1}")
                        .problem(400, "validation_failed").contains("'size'"),
                ApiScenario.of("presigned PUT over files.max_size_bytes", "POST", presign)
                        .json("{\"path\":\"x.txt\",\"method\":\"PUT\",\"content_type\":\"text/plain\",\"size\":1001}")
                        .problem(413, "payload_too_large").contains("'size'", "1000"),
                ApiScenario.of("presigned GET with a size", "POST", presign).json("{\"path\":\"x.txt\",\"method\":\"GET\",\"size\":3}")
                        .problem(400, "validation_failed").contains("'size'"),
                ApiScenario.of("presigned PUT without a type, the default not allowed", "POST", presign)
                        .json("{\"path\":\"x.bin\",\"method\":\"PUT\",\"size\":3}")
                        .problem(400, "validation_failed").contains("'content_type'", "image/*"),
                ApiScenario.of("presigned PUT of a type not allowed", "POST", presign)
                        .json("{\"path\":\"x.html\",\"method\":\"PUT\",\"content_type\":\"text/html\",\"size\":3}")
                        .problem(415, "unsupported_media_type").contains("text/html"),
                ApiScenario.of("If-Match not an ETag", "PUT", FILES + "/album/a.txt").header("If-Match", "abc").body("x", "text/plain")
                        .problem(400, "validation_failed").contains("'If-Match'"),
                ApiScenario.of("If-None-Match not an ETag", "GET", FILES + "/album/a.txt").header("If-None-Match", "W/abc")
                        .problem(400, "validation_failed").contains("'If-None-Match'"),
                ApiScenario.of("range starting beyond any file", "GET", FILES + "/album/a.txt").header("Range", "bytes=9999999999999999999-")
                        .problem(416, "range_not_satisfiable"),
                ApiScenario.of("cursor of another prefix", "GET", FILES + "?prefix=other/&cursor={cursor}")
                        .problem(400, "validation_failed").contains("'cursor'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void badRequest_refusedNamingTheField_zeroS3Calls(ApiScenario scenario) {
        int before = s3.passedRequests();

        scenario.run(http, token, url -> url.replace("{cursor}", URLEncoder.encode(albumCursor, StandardCharsets.UTF_8)));

        assertThat(s3.passedRequests()).as(scenario.name()).isEqualTo(before);
    }
}
