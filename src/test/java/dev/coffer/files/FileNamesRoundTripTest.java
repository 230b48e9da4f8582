package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.EncodingType;

/**
 * Whatever a path check accepts can be listed and deleted later; whatever it refuses never
 * reaches S3. Every accepted tricky name goes through upload, listing, download and deletion
 * against S3Proxy in memory and on disk (the embedded default's filesystem store, whose file-name
 * limits are the tightest); every refused one answers 400 with a counting proxy in front of S3
 * seeing no request.
 */
@ExtendWith(SharedEmbeddedServers.class)
class FileNamesRoundTripTest {
    /** Names S3 and S3Proxy round-trip, each chosen near an edge of the rules. */
    static final List<String> ACCEPTED = List.of(
            "caf\u00e9.txt", "\ud83d\ude00.png", "a+b c.txt", "q?x", "hash#x", "pct%41x", "100%.txt", "%2F", "semi;colon", "lt<x>", "amp&x", "quote\"x", "apos'x",
            "star*x", "colon:x", "pipe|x", "curly{x}", "caret^x", "back`x", "tilde~x", "sq[x]", "dots...", "..x", ".x", "-x", "x.",
            "x ", " x", "\u00a0nbsp", "\u2028ls", "\ue000pua", "\udb80\udc00spua", "zw\u200bx", "bidi\u202ex", "bom\ufeffx",
            "\ufffdreplacement", "\ufdcfbefore", "\ufdf0after", "\ud83f\udffdbelow", "\u00e9".repeat(100), "s".repeat(200),
            "d".repeat(200) + "/" + "f".repeat(200),
            // The longest key: "users/roundtrip/" is 16 bytes, the path the other 1008.
            ("k".repeat(200) + "/").repeat(5) + "end");

    /** Names refused, each for one rule (noncharacters, controls, dot segments, lengths, shape). */
    static final List<String> REFUSED = List.of(
            "a\uffffb", "a\ufffeb", "\ufdd0", "\ufdef", "\ud83f\udffe", "\udbff\udfff", "a\u0001b", "a\u000bb", "a\tb", "a\rb",
            "a\nb", "a\u007fb", "a\u0085b", "x/%2E/y", "%2E%2E", "a//b", "a/", "a\\b", "cafe\u0301", "s".repeat(201),
            ("k".repeat(200) + "/").repeat(5) + "end2");
    /**
     * Refused by Jetty's own URI checks (400 {@code bad_request}) before Coffer's path rules run:
     * ASCII controls, backslashes, empty and encoded dot segments in the request URI. In a JSON
     * body (presign) the same names meet {@link FilePaths} and get {@code validation_failed}.
     */
    static final java.util.Set<String> REFUSED_BY_JETTY = java.util.Set.of("a\u0001b", "a\u000bb", "a\tb", "a\rb", "a\nb", "a\u007fb",
            "x/%2E/y", "%2E%2E", "a//b", "a\\b");

    @Test
    void acceptedNames_roundTripThroughUploadListDownloadAndDelete_inMemory(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            roundTrip(coffer);
        }
    }

    @Test
    void acceptedNames_roundTripThroughUploadListDownloadAndDelete_onDisk() throws Exception {
        // As the embedded default runs (local mode: no SSE headers, which the filesystem store refuses).
        try (EmbeddedServers onDisk = EmbeddedServers.onDisk(Files.createTempDirectory("coffer-names-")).start("on disk, file names test");
             var coffer = TestCoffer.start(onDisk, "", Map.of())) {
            roundTrip(coffer);
        }
    }

    private static void roundTrip(TestCoffer coffer) {
        {
            Http http = coffer.http();
            String token = coffer.tokenFor("roundtrip");
            var s3 = coffer.server().clients().s3();
            String bucket = coffer.server().config().storage().bucket();
            for (String name : ACCEPTED) {
                byte[] content = ("content of " + name).getBytes(StandardCharsets.UTF_8);
                String url = "/api/v1/files/" + encode(name);

                Http.Response put = http.request("PUT", url).bearer(token).body(content, "text/plain").send();
                assertThat(put.status()).as("upload %s: %s", name, put.body()).isEqualTo(200);
                assertThat(put.json().path("path").asText()).isEqualTo(name);
                Http.Response listed = http.get("/api/v1/files?limit=1000", token);
                assertThat(listed.status()).as("list %s", name).isEqualTo(200);
                assertThat(listed.json().path("files").findValuesAsText("path")).as("list %s", name).containsExactly(name);
                assertThat(http.get(url, token).bytes()).as("download %s", name).isEqualTo(content);
                assertThat(http.request("DELETE", url).bearer(token).send().status()).as("delete %s", name).isEqualTo(204);

                assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("users/roundtrip/").encodingType(EncodingType.URL)).contents())
                        .as("left after deleting %s", name).isEmpty();
            }
            // And account deletion's own listing and batch delete take them all at once.
            for (String name : ACCEPTED) {
                assertThat(http.request("PUT", "/api/v1/files/" + encode(name)).bearer(token).body(new byte[] {1}, "text/plain").send()
                        .status()).isEqualTo(200);
            }
            coffer.server().userDataOwners().forEach(owner -> owner.deleteAllFor(new dev.coffer.identity.UserId("roundtrip")));
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("users/roundtrip/").encodingType(EncodingType.URL)).contents())
                    .isEmpty();
        }
    }

    @Test
    void refusedNames_400NamingThePath_beforeAnyS3Call(EmbeddedServers stack) throws Exception {
        try (var s3 = FaultProxy.in(stack.s3().endpoint())) {
            var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), s3.endpoint());
            try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env))) {
                Http http = coffer.http();
                String token = coffer.tokenFor("roundtrip");
                int before = s3.passedRequests();
                var codes = new java.util.TreeMap<String, String>();
                for (String name : REFUSED) {
                    String url = "/api/v1/files/" + (name.contains("%2E") ? name : encode(name));
                    for (String method : List.of("PUT", "GET", "DELETE")) {
                        Http.Request request = http.request(method, url).bearer(token);
                        if (method.equals("PUT")) {
                            request.body(new byte[] {1}, "text/plain");
                        }
                        Http.Response refused = request.send();
                        assertThat(refused.status()).as("%s %s", method, name).isEqualTo(400);
                        codes.put(printable(name) + " " + method, refused.json().path("code").asText()
                                + (refused.json().path("detail").asText().contains("path") ? " (path)" : ""));
                    }
                    assertThat(http.request("HEAD", url).bearer(token).send().status()).as("HEAD %s", name).isEqualTo(400);
                    if (!name.contains("%2E")) {
                        Http.Response presign = http.postJson("/api/v1/files/presign", token, Map.of("path", name, "method", "PUT"));
                        codes.put(printable(name) + " presign", presign.json().path("code").asText()
                                + (presign.json().path("detail").asText().contains("path") ? " (path)" : ""));
                    }
                }
                var expected = new java.util.TreeMap<String, String>();
                for (String name : REFUSED) {
                    for (String method : List.of("PUT", "GET", "DELETE")) {
                        expected.put(printable(name) + " " + method, REFUSED_BY_JETTY.contains(name) ? "bad_request" : "validation_failed (path)");
                    }
                    if (!name.contains("%2E")) {
                        expected.put(printable(name) + " presign", "validation_failed (path)");
                    }
                }
                assertThat(codes).isEqualTo(expected);
                // Lone surrogates cannot be percent-encoded as UTF-8 at all; a JSON escape can carry one.
                Http.Response surrogate = http.request("POST", "/api/v1/files/presign").bearer(token)
                        .json("{\"path\":\"a\\ud800b\",\"method\":\"PUT\"}").send();
                assertThat(surrogate.status()).isEqualTo(400);
                assertThat(surrogate.json().path("detail").asText()).isEqualTo("the path must not contain unpaired surrogates");
                assertThat(http.get("/api/v1/files?prefix=" + encode("a\uffff"), token).status()).isEqualTo(400);

                assertThat(s3.passedRequests()).isEqualTo(before);
            }
        }
    }

    static String printable(String name) {
        var out = new StringBuilder();
        name.codePoints().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("U+%04X", c) : Character.toString(c)));
        String text = out.toString();
        return text.length() > 24 ? text.substring(0, 12) + "...(" + name.length() + ")" : text;
    }

    /** Percent-encodes every byte of UTF-8 but unreserved characters and '/', as a careful client would. */
    static String encode(String path) {
        var out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~' || c == '/'
                    || c == '.') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
