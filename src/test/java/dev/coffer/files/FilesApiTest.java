package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Files end to end over HTTP on the embedded S3Proxy. */
@ExtendWith(SharedEmbeddedServers.class)
class FilesApiTest {
    static TestCoffer coffer;
    static Http http;
    static String alice;
    static String bob;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, "", Map.of());
        http = coffer.http();
        alice = coffer.tokenFor("alice");
        bob = coffer.tokenFor("bob");
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Http.Response put(String token, String path, byte[] body, String type) {
        return http.request("PUT", "/api/v1/files/" + path).bearer(token).body(body, type).send();
    }

    @Test
    void smallFile_uploadDownloadHeadDelete() {
        byte[] content = "hello, file".getBytes(StandardCharsets.UTF_8);
        Http.Response up = put(alice, "notes/hello.txt", content, "text/plain");

        assertThat(up.status()).isEqualTo(200);
        JsonNode body = up.json();
        assertThat(body.path("path").asText()).isEqualTo("notes/hello.txt");
        assertThat(body.path("size").asLong()).isEqualTo(content.length);
        assertThat(body.path("content_type").asText()).isEqualTo("text/plain");
        assertThat(body.path("etag").asText()).isNotBlank();

        Http.Response down = http.get("/api/v1/files/notes/hello.txt", alice);
        assertThat(down.status()).isEqualTo(200);
        assertThat(down.bytes()).isEqualTo(content);
        assertThat(down.header("Content-Type")).contains("text/plain");
        assertThat(down.header("Content-Length")).contains(Integer.toString(content.length));
        assertThat(down.header("ETag")).contains(body.path("etag").asText());
        assertThat(down.header("Last-Modified")).isPresent();

        Http.Response head = http.request("HEAD", "/api/v1/files/notes/hello.txt").bearer(alice).send();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).contains(Integer.toString(content.length));

        assertThat(http.request("DELETE", "/api/v1/files/notes/hello.txt").bearer(alice).send().status()).isEqualTo(204);
        assertThat(http.get("/api/v1/files/notes/hello.txt", alice).status()).isEqualTo(404);
        assertThat(http.request("DELETE", "/api/v1/files/notes/hello.txt").bearer(alice).send().status()).isEqualTo(404);
    }

    @Test
    void download_sentAsStoredEvenToClientsAcceptingGzip() {
        byte[] content = "compressible text ".repeat(500).getBytes(StandardCharsets.UTF_8);
        put(alice, "notes/long.txt", content, "text/plain");
        Http.Response down = http.request("GET", "/api/v1/files/notes/long.txt").bearer(alice).header("Accept-Encoding", "gzip").send();
        assertThat(down.header("Content-Encoding")).isEmpty();
        assertThat(down.header("Content-Length")).contains(Integer.toString(content.length));
        assertThat(down.bytes()).isEqualTo(content);
    }

    /**
     * Downloads copy the S3 stream in chunks filled to the end: the sizes at the chunk's edges
     * (nothing, one byte short of, exactly and one past two chunks) arrive whole and with their length.
     */
    @Test
    void download_sizesAtTheCopyChunksEdges_arriveWhole() {
        int chunk = 64 * 1024;
        for (int size : new int[] {0, 2 * chunk - 1, 2 * chunk, 2 * chunk + 1}) {
            byte[] content = new byte[size];
            for (int i = 0; i < size; i++) {
                content[i] = (byte) (i * 31 + size);
            }
            assertThat(put(alice, "edges/" + size + ".bin", content, "application/octet-stream").status()).isEqualTo(200);

            Http.Response down = http.get("/api/v1/files/edges/" + size + ".bin", alice);

            assertThat(down.status()).as("size %d", size).isEqualTo(200);
            assertThat(down.header("Content-Length")).as("size %d", size).contains(Integer.toString(size));
            assertThat(down.bytes()).as("size %d", size).isEqualTo(content);
        }
    }

    @Test
    void rangedRead_206WithContentRange() {
        put(alice, "range.bin", "0123456789abcdef".getBytes(StandardCharsets.UTF_8), "application/octet-stream");

        Http.Response part = http.request("GET", "/api/v1/files/range.bin").bearer(alice).header("Range", "bytes=4-7").send();
        Http.Response tail = http.request("GET", "/api/v1/files/range.bin").bearer(alice).header("Range", "bytes=-3").send();

        assertThat(part.status()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("4567");
        assertThat(part.header("Content-Range")).contains("bytes 4-7/16");
        assertThat(tail.body()).isEqualTo("def");
        assertThat(http.request("GET", "/api/v1/files/range.bin").bearer(alice).header("Range", "bytes=100-200").send().status())
                .isEqualTo(416);
        assertThat(http.request("GET", "/api/v1/files/range.bin").bearer(alice).header("Range", "lines=1-2").send().status())
                .isEqualTo(416);
    }

    @Test
    void conditionalRequests_304AndCreateOnly() {
        String etag = put(alice, "cond.txt", "v1".getBytes(StandardCharsets.UTF_8), "text/plain").json().path("etag").asText();

        assertThat(http.request("GET", "/api/v1/files/cond.txt").bearer(alice).header("If-None-Match", etag).send().status())
                .isEqualTo(304);
        assertThat(http.request("GET", "/api/v1/files/cond.txt").bearer(alice).header("If-None-Match", "\"other\"").send().status())
                .isEqualTo(200);
        Http.Response createOnly = http.request("PUT", "/api/v1/files/cond.txt").bearer(alice).header("If-None-Match", "*")
                .body("v2".getBytes(StandardCharsets.UTF_8), "text/plain").send();
        assertThat(createOnly.status()).isEqualTo(412);
        assertThat(http.get("/api/v1/files/cond.txt", alice).body()).isEqualTo("v1");
        assertThat(http.request("PUT", "/api/v1/files/fresh.txt").bearer(alice).header("If-None-Match", "*")
                .body("new".getBytes(StandardCharsets.UTF_8), "text/plain").send().status()).isEqualTo(200);
    }

    @Test
    void multipartUpload_64MiB_streamedAndIntact() throws Exception {
        int size = 64 * 1024 * 1024 + 12345;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        var publisher = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() ->
                new GeneratedStream(size, sent)), size);

        Http.Response up = http.request("PUT", "/api/v1/files/big/video.bin").bearer(alice)
                .header("Content-Type", "application/octet-stream").body(publisher).send();

        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(up.json().path("size").asLong()).isEqualTo(size);
        assertThat(up.json().path("etag").asText()).contains("-");   // a multipart ETag
        HttpResponse<java.io.InputStream> down = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        http.base().resolve("/api/v1/files/big/video.bin")).header("Authorization", "Bearer " + alice).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (var in = down.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                received.update(buffer, 0, n);
                count += n;
            }
        }
        assertThat(count).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        var uploads = coffer.server().clients().s3().listMultipartUploads(b -> b.bucket(coffer.server().config().storage().bucket()));
        assertThat(uploads.uploads()).isEmpty();
    }

    @Test
    void listing_relativePathsWithPagination() {
        for (int i = 0; i < 7; i++) {
            put(alice, "album/p" + i + ".jpg", new byte[] {(byte) i}, "image/jpeg");
        }
        put(bob, "album/bobs.jpg", new byte[] {1}, "image/jpeg");
        var paths = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        do {
            String url = "/api/v1/files?prefix=album/&limit=3" + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = http.get(url, alice).json();
            page.path("files").forEach(f -> paths.add(f.path("path").asText()));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(paths).containsExactly("album/p0.jpg", "album/p1.jpg", "album/p2.jpg", "album/p3.jpg", "album/p4.jpg",
                "album/p5.jpg", "album/p6.jpg");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void presignedGetAndPut_workWithPlainHttpClient() throws Exception {
        put(alice, "share/doc.txt", "shared".getBytes(StandardCharsets.UTF_8), "text/plain");
        HttpClient plain = HttpClient.newHttpClient();

        JsonNode get = http.postJson("/api/v1/files/presign", alice, Map.of("path", "share/doc.txt", "method", "GET", "expires_in", 60)).json();
        HttpResponse<String> fetched = plain.send(HttpRequest.newBuilder(URI.create(get.path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo("shared");
        assertThat(get.path("expires_in").asLong()).isEqualTo(60);

        JsonNode putUrl = http.postJson("/api/v1/files/presign", alice,
                Map.of("path", "share/upload.txt", "method", "PUT", "content_type", "text/plain", "size", 11)).json();
        HttpResponse<String> uploaded = plain.send(HttpRequest.newBuilder(URI.create(putUrl.path("url").asText()))
                .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("via presign")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/files/share/upload.txt", alice).body()).isEqualTo("via presign");
        assertThat(putUrl.path("expires_in").asLong()).isEqualTo(900);

        // A URL for one key does not open another.
        String other = get.path("url").asText().replace("share/doc.txt", "share/upload.txt");
        assertThat(plain.send(HttpRequest.newBuilder(URI.create(other)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(403);
    }

    @Test
    void isolation_bobCannotReadListOverwriteDeleteOrPresignAlicesFiles() throws Exception {
        put(alice, "private/diary.txt", "alice only".getBytes(StandardCharsets.UTF_8), "text/plain");

        assertThat(http.get("/api/v1/files/private/diary.txt", bob).status()).isEqualTo(404);
        assertThat(http.request("HEAD", "/api/v1/files/private/diary.txt").bearer(bob).send().status()).isEqualTo(404);
        assertThat(http.request("DELETE", "/api/v1/files/private/diary.txt").bearer(bob).send().status()).isEqualTo(404);
        put(bob, "private/diary.txt", "bob's own".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(http.get("/api/v1/files?prefix=private/", bob).json().path("files").toString()).doesNotContain("alice");
        JsonNode presigned = http.postJson("/api/v1/files/presign", bob, Map.of("path", "private/diary.txt")).json();
        String fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(presigned.path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        assertThat(fetched).isEqualTo("bob's own");
        assertThat(http.get("/api/v1/files/private/diary.txt", alice).body()).isEqualTo("alice only");
        assertThat(http.get("/api/v1/files/..%2Falice%2Fprivate%2Fdiary.txt", bob).status()).isEqualTo(400);
        assertThat(http.postJson("/api/v1/files/presign", bob, Map.of("path", "../alice/private/diary.txt")).status()).isEqualTo(400);
    }

    @Test
    void objectsVisibleWithAwsCliAtExpectedKeys() {
        put(alice, "cli/check.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain");
        String bucket = coffer.server().config().storage().bucket();

        String listing = dev.coffer.testing.AwsCli.run(coffer.server().config().aws().s3Endpoint().orElseThrow(),
                "s3", "ls", "s3://" + bucket + "/users/alice/cli/");

        assertThat(listing).contains("check.txt");
        assertThat(dev.coffer.testing.AwsCli.json(coffer.server().config().aws().s3Endpoint().orElseThrow(),
                "s3api", "head-object", "--bucket", bucket, "--key", "users/alice/cli/check.txt").path("ContentType").asText())
                .isEqualTo("text/plain");
    }

    /** Deterministic bytes generated on the fly (nothing this size is kept in memory or the repo). */
    static final class GeneratedStream extends java.io.InputStream {
        private final long size;
        private final MessageDigest digest;
        private long position;

        GeneratedStream(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            int b = (int) ((position * 31 + (position >> 13)) & 0xff);
            position++;
            digest.update((byte) b);
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                buffer[off + i] = (byte) ((position * 31 + (position >> 13)) & 0xff);
                position++;
            }
            digest.update(buffer, off, n);
            return n;
        }
    }

}
