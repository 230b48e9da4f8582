package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Presigned uploads are signed for one type and one length, which S3Proxy (checking SigV4 signed
 * headers as S3 does) enforces; stored files are never served as pages; preconditions on files
 * follow RFC 9110 (If-Match strong, If-None-Match weak, lists and '*').
 */
@ExtendWith(SharedEmbeddedServers.class)
class FilesPresignAndPreconditionsTest {
    static final HttpClient PLAIN = HttpClient.newHttpClient();
    static TestCoffer coffer;
    static Http http;
    static String frank;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, "", Map.of());
        http = coffer.http();
        frank = coffer.tokenFor("frank");
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Http.Response upload(String path, String text, String type) {
        return http.request("PUT", "/api/v1/files/" + path).bearer(frank).body(text.getBytes(StandardCharsets.UTF_8), type).send();
    }

    /** A PUT straight to S3 with a presigned URL, as a browser would send it. */
    static int putTo(JsonNode presigned, String type, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(presigned.path("url").asText())).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return PLAIN.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void presignedPut_signedForItsTypeAndLength_anyOtherRefusedByS3() throws Exception {
        Http.Response presigned = http.postJson("/api/v1/files/presign", frank,
                Map.of("path", "up/note.txt", "method", "PUT", "content_type", "text/plain", "size", 5));
        assertThat(presigned.status()).as(presigned.body()).isEqualTo(200);
        JsonNode url = presigned.json();
        assertThat(url.path("headers").path("Content-Type").asText()).isEqualTo("text/plain");
        assertThat(url.path("headers").path("Content-Length").asText()).isEqualTo("5");

        assertThat(putTo(url, "text/html", "hello")).isEqualTo(403);
        assertThat(putTo(url, "text/plain", "hello, longer")).isEqualTo(403);
        assertThat(putTo(url, "text/plain", "hell")).isEqualTo(403);
        assertThat(http.get("/api/v1/files/up/note.txt", frank).status()).isEqualTo(404);

        assertThat(putTo(url, "text/plain", "hello")).isEqualTo(200);
        Http.Response stored = http.get("/api/v1/files/up/note.txt", frank);
        assertThat(stored.body()).isEqualTo("hello");
        assertThat(stored.header("Content-Type")).contains("text/plain");
    }

    @Test
    void presignedPut_withoutType_storesOctetStream_neverHtml() throws Exception {
        JsonNode url = http.postJson("/api/v1/files/presign", frank, Map.of("path", "up/page.html", "method", "PUT", "size", 5)).json();

        assertThat(url.path("headers").path("Content-Type").asText()).isEqualTo("application/octet-stream");
        assertThat(putTo(url, "text/html", "<b>x</b>".substring(0, 5))).isEqualTo(403);
        assertThat(putTo(url, null, "<b>x<")).isEqualTo(403);
        assertThat(putTo(url, "application/octet-stream", "<b>x<")).isEqualTo(200);
        assertThat(http.get("/api/v1/files/up/page.html", frank).header("Content-Type")).contains("application/octet-stream");
    }

    @Test
    void download_ofActiveContent_attachmentNosniffAndSandboxed() {
        upload("page.html", "<script>alert(document.domain)</script>", "text/html");

        for (String method : List.of("GET", "HEAD")) {
            Http.Response served = http.request(method, "/api/v1/files/page.html").bearer(frank).send();
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.header("Content-Disposition")).as(method).contains("attachment");
            assertThat(served.header("X-Content-Type-Options")).as(method).contains("nosniff");
            assertThat(served.header("Content-Security-Policy")).as(method).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("sandbox").contains("default-src 'none'"));
        }
    }

    @Test
    void ifNoneMatch_weakComparisonListsAndStar_304OnGetAndHead() {
        String etag = upload("cached.txt", "v1", "text/plain").json().path("etag").asText();

        for (String value : List.of(etag, "W/" + etag, "\"other\", " + etag, "*")) {
            Http.Response get = http.request("GET", "/api/v1/files/cached.txt").bearer(frank).header("If-None-Match", value).send();
            Http.Response head = http.request("HEAD", "/api/v1/files/cached.txt").bearer(frank).header("If-None-Match", value).send();
            assertThat(get.status()).as(value).isEqualTo(304);
            assertThat(get.header("ETag")).as(value).contains(etag);
            assertThat(get.bytes()).as(value).isEmpty();
            assertThat(head.status()).as(value).isEqualTo(304);
        }
        Http.Response changed = http.request("GET", "/api/v1/files/cached.txt").bearer(frank)
                .header("If-None-Match", "\"other\", W/\"older\"").send();
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo("v1");
        assertThat(http.request("GET", "/api/v1/files/absent.txt").bearer(frank).header("If-None-Match", "*").send().status())
                .isEqualTo(404);
    }

    @Test
    void ifMatch_onReplace_strongComparison_weakTagNeverMatches() {
        String etag = upload("doc.txt", "v1", "text/plain").json().path("etag").asText();

        Http.Response weak = http.request("PUT", "/api/v1/files/doc.txt").bearer(frank).header("If-Match", "W/" + etag)
                .body("v2".getBytes(StandardCharsets.UTF_8), "text/plain").send();
        Http.Response listed = http.request("PUT", "/api/v1/files/doc.txt").bearer(frank).header("If-Match", "\"other\", " + etag)
                .body("v3".getBytes(StandardCharsets.UTF_8), "text/plain").send();
        Http.Response stale = http.request("PUT", "/api/v1/files/doc.txt").bearer(frank).header("If-Match", etag)
                .body("v4".getBytes(StandardCharsets.UTF_8), "text/plain").send();
        Http.Response star = http.request("PUT", "/api/v1/files/doc.txt").bearer(frank).header("If-Match", "*")
                .body("v5".getBytes(StandardCharsets.UTF_8), "text/plain").send();

        assertThat(weak.status()).isEqualTo(412);
        assertThat(weak.json().path("code").asText()).isEqualTo("precondition_failed");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(stale.status()).isEqualTo(412);
        assertThat(star.status()).isEqualTo(200);
        assertThat(http.get("/api/v1/files/doc.txt", frank).body()).isEqualTo("v5");
    }

    @Test
    void range_numbersBeyondAnyFile_meanToTheEndOrTheWholeFile() {
        upload("digits.bin", "0123456789abcdef", "application/octet-stream");

        Http.Response toTheEnd = http.request("GET", "/api/v1/files/digits.bin").bearer(frank).header("Range", "bytes=10-9999999999999999999")
                .send();
        Http.Response longSuffix = http.request("GET", "/api/v1/files/digits.bin").bearer(frank).header("Range", "bytes=-9999999999999999999")
                .send();

        assertThat(toTheEnd.status()).as(toTheEnd.body()).isEqualTo(206);
        assertThat(toTheEnd.body()).isEqualTo("abcdef");
        assertThat(longSuffix.status()).as(longSuffix.body()).isIn(200, 206);
        assertThat(longSuffix.body()).isEqualTo("0123456789abcdef");
    }
}
