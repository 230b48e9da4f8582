package dev.coffer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.AwsCli;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The four example back ends of examples/, each run end to end over HTTP on the embedded default
 * with its own coffer.toml; the DynamoDB and S3 layout is checked with the AWS CLI.
 */
@ExtendWith(SharedEmbeddedServers.class)
class ExampleAppsTest {
    static final String MAI_DEMO_KEY = "ck_mai-demo-key-not-for-production-0000000000000000";

    static JsonNode ddbQuery(EmbeddedServers stack, String table, String userId) {
        return AwsCli.json(stack.dynamoDb().endpoint(), "dynamodb", "query", "--table-name", table,
                "--key-condition-expression", "user_id = :u", "--expression-attribute-values", "{\":u\":{\"S\":\"" + userId + "\"}}");
    }

    static String s3Ls(EmbeddedServers stack, String url) {
        try {
            return AwsCli.run(stack.s3().endpoint(), "s3", "ls", "--recursive", url);
        } catch (IllegalStateException emptyListing) {
            return "";   // aws s3 ls exits 1 when nothing matches
        }
    }

    @Test
    void dermalens_registerScanChatPlanThenDeleteEverything(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.startExample(stack, Path.of("examples/dermalens.toml"), Map.of())) {
            Http http = coffer.http();
            assertThat(http.request("POST", "/api/v1/auth/register").json(Map.of("email", "derma@example.com", "password",
                    "skin-care-2026", "full_name", "Dee Derma")).send().status()).isEqualTo(201);
            String token = http.request("POST", "/api/v1/auth/login").json(Map.of("email", "derma@example.com",
                    "password", "skin-care-2026")).send().json().path("access_token").asText();
            String userId = http.get("/api/v1/auth/me", token).json().path("user_id").asText();

            assertThat(http.request("PUT", "/api/v1/files/scans/scan-1.jpg").bearer(token).body(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2},
                    "image/jpeg").send().status()).isEqualTo(200);
            for (String date : List.of("2026-01-03", "2026-01-10", "2026-01-20", "2026-02-01")) {
                assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(token).json(Map.of("scan_date", date,
                        "image_path", "scans/scan-1.jpg", "diagnosis", "benign")).send().status()).isEqualTo(201);
            }
            JsonNode january = http.get("/api/v1/collections/scans/items?index=scan-date-index&from=2026-01-05&to=2026-01-31&order=desc",
                    token).json().path("items");
            assertThat(january).extracting(n -> n.path("scan_date").asText()).containsExactly("2026-01-20", "2026-01-10");

            var sent = new ArrayList<String>();
            for (int i = 0; i < 3; i++) {
                for (String session : List.of("s-1", "s-2")) {
                    JsonNode m = http.request("POST", "/api/v1/collections/messages/items").bearer(token)
                            .json(Map.of("session_id", session, "text", session + " message " + i)).send().json();
                    if (session.equals("s-1")) {
                        sent.add(m.path("message_id").asText());
                    }
                }
            }
            JsonNode s1 = http.get("/api/v1/collections/messages/items?index=session-index&eq=s-1", token).json().path("items");
            // Items that share an index key come back in no set order; message ids are ULIDs, so they sort by time.
            var session = new ArrayList<JsonNode>();
            s1.forEach(session::add);
            session.sort(java.util.Comparator.comparing(n -> n.path("message_id").asText()));
            assertThat(session).extracting(n -> n.path("text").asText()).containsExactly("s-1 message 0", "s-1 message 1", "s-1 message 2");
            assertThat(session).extracting(n -> n.path("message_id").asText()).containsExactlyElementsOf(sent);
            assertThat(http.request("POST", "/api/v1/collections/plans/items").bearer(token).json(Map.of("steps", List.of("sunscreen")))
                    .send().status()).isEqualTo(201);

            assertThat(ddbQuery(stack, "dermalens-scans", userId).path("Count").asInt()).isEqualTo(4);
            assertThat(ddbQuery(stack, "dermalens-chat-messages", userId).path("Count").asInt()).isEqualTo(6);
            assertThat(s3Ls(stack, "s3://dermalens-files/users/" + userId + "/scans/")).contains("scan-1.jpg");

            assertThat(http.request("DELETE", "/api/v1/auth/me").bearer(token).send().status()).isEqualTo(204);

            for (String table : List.of("dermalens-users", "dermalens-scans", "dermalens-treatment-plans", "dermalens-chat-messages")) {
                assertThat(ddbQuery(stack, table, userId).path("Count").asInt()).as(table).isZero();
            }
            assertThat(s3Ls(stack, "s3://dermalens-files/users/" + userId + "/")).isEmpty();
        }
    }

    @Test
    void mai_serviceKeyStoresResultAndImageListsNewestFirstPresigns(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.startExample(stack, Path.of("examples/mai.toml"), Map.of())) {
            Http http = coffer.http();
            String user = "py-user-42";
            long ttl = Instant.now().plusSeconds(90L * 24 * 3600).getEpochSecond();
            for (int i = 0; i < 3; i++) {
                Http.Response r = http.request("POST", "/api/v1/collections/results/items").bearer(MAI_DEMO_KEY)
                        .header("X-Coffer-User", user).json(Map.of("verdict", i == 2 ? "scam" : "ok", "score", i, "ttl", ttl,
                                "image_path", "post-" + i + ".png")).send();
                assertThat(r.status()).isEqualTo(201);
            }
            assertThat(http.request("PUT", "/api/v1/files/post-2.png").bearer(MAI_DEMO_KEY).header("X-Coffer-User", user)
                    .body(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "image/png").send().status()).isEqualTo(200);

            JsonNode newest = http.request("GET", "/api/v1/collections/results/items?order=desc&limit=2").bearer(MAI_DEMO_KEY)
                    .header("X-Coffer-User", user).send().json();
            assertThat(newest.path("items")).extracting(n -> n.path("score").asInt()).containsExactly(2, 1);
            JsonNode presigned = http.request("POST", "/api/v1/files/presign").bearer(MAI_DEMO_KEY).header("X-Coffer-User", user)
                    .json(Map.of("path", "post-2.png", "method", "GET", "expires_in", 300)).send().json();
            HttpResponse<byte[]> image = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(presigned.path("url").asText()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(image.statusCode()).isEqualTo(200);
            assertThat(image.body()).hasSize(4);

            JsonNode stored = ddbQuery(stack, "mai-scam-detection-results", user);
            assertThat(stored.path("Count").asInt()).isEqualTo(3);
            assertThat(stored.path("Items").get(0).path("ttl").path("N").asText()).isEqualTo(Long.toString(ttl));
            assertThat(AwsCli.json(stack.dynamoDb().endpoint(), "dynamodb", "describe-time-to-live", "--table-name",
                    "mai-scam-detection-results").path("TimeToLiveDescription").path("AttributeName").asText()).isEqualTo("ttl");
            assertThat(s3Ls(stack, "s3://mai-scam-detected-images/social_media/" + user + "/")).contains("post-2.png");
        }
    }

    @Test
    void archpal_oidcUserDocumentsAndIndexUpdatesThatCannotLoseEachOther(EmbeddedServers stack) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        HttpServer idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String issuer = "http://127.0.0.1:" + idp.getAddress().getPort() + "/eu-west-1_TEST";
        idp.createContext("/eu-west-1_TEST/.well-known/openid-configuration", ex -> send(ex,
                "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/.well-known/jwks.json\"}"));
        idp.createContext("/eu-west-1_TEST/.well-known/jwks.json", ex -> send(ex, new JWKSet(key.toPublicJWK()).toString()));
        idp.start();
        try (var coffer = TestCoffer.startExample(stack, Path.of("examples/archpal.toml"),
                Map.of("COFFER_AUTH_OIDC_ISSUER", issuer, "COFFER_AUTH_OIDC_AUDIENCE", "archpal-client"))) {
            Http http = coffer.http();
            var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                    .issuer(issuer).audience("archpal-client").subject("sub-archie").expirationTime(Date.from(Instant.now().plusSeconds(600)))
                    .build());
            jwt.sign(new RSASSASigner(key));
            String token = jwt.serialize();

            assertThat(put(http, token, "info.json", "{\"name\":\"Archie\"}", null).status()).isEqualTo(200);
            String etag = put(http, token, "conversations.json", "[]", null).json().path("etag").asText();
            assertThat(put(http, token, "conversations/c-1.json", "{\"title\":\"first\"}", null).status()).isEqualTo(200);
            assertThat(put(http, token, "conversations/c-2.json", "{\"title\":\"second\"}", null).status()).isEqualTo(200);

            // Two clients read the index at the same ETag and both try to add their conversation.
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            List<Thread> writers = new ArrayList<>();
            for (String id : List.of("c-1", "c-2")) {
                writers.add(Thread.ofVirtual().start(() -> statuses.add(put(http, token, "conversations.json", "[\"" + id + "\"]", etag).status())));
            }
            for (Thread t : writers) {
                t.join();
            }
            assertThat(statuses).containsExactlyInAnyOrder(200, 412);
            // The loser re-reads and merges: nothing is lost.
            Http.Response current = http.get("/api/v1/files/conversations.json", token);
            String merged = current.body().contains("c-1") ? "[\"c-1\",\"c-2\"]" : "[\"c-2\",\"c-1\"]";
            assertThat(put(http, token, "conversations.json", merged, current.header("ETag").orElseThrow()).status()).isEqualTo(200);
            assertThat(http.get("/api/v1/files/conversations.json", token).body()).contains("c-1").contains("c-2");
            assertThat(http.get("/api/v1/files/conversations/c-2.json", token).body()).isEqualTo("{\"title\":\"second\"}");
            // External users' files live under the id derived from issuer and subject, never under the raw sub.
            String folder = dev.coffer.identity.UserId.external(issuer, "sub-archie").value();
            assertThat(http.get("/api/v1/auth/whoami", token).json().path("user_id").asText()).isEqualTo(folder);
            assertThat(s3Ls(stack, "s3://archpal-documents/users/" + folder + "/")).contains("info.json").contains("conversations.json")
                    .contains("conversations/c-1.json");
        } finally {
            idp.stop(0);
        }
    }

    @Test
    void dancer_videosOnlyUpTo100MbAndHealthShowsBucketRegionPrefix(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.startExample(stack, Path.of("examples/dancer.toml"), Map.of())) {
            Http http = coffer.http();
            String token = coffer.tokenFor("dancer-1");
            assertThat(http.request("PUT", "/api/v1/files/routine.mp4").bearer(token).body(new byte[2048], "video/mp4").send().status())
                    .isEqualTo(200);
            assertThat(http.request("PUT", "/api/v1/files/poster.png").bearer(token).body(new byte[16], "image/png").send().status())
                    .isEqualTo(415);
            String answer = rawPut(coffer.server().port(), token, "too-big.mp4", 104_857_601L);
            assertThat(answer).startsWith("HTTP/1.1 413");

            JsonNode s3 = http.get("/health").json().path("s3");
            assertThat(s3.path("details").path("bucket").asText()).isEqualTo("dancer-uploads");
            assertThat(s3.path("details").path("region").asText()).isEqualTo("us-east-1");
            assertThat(s3.path("details").path("prefix").asText()).isEqualTo("uploads/");
            assertThat(s3Ls(stack, "s3://dancer-uploads/uploads/dancer-1/")).contains("routine.mp4");
        }
    }

    private static Http.Response put(Http http, String token, String path, String json, String ifMatch) {
        Http.Request request = http.request("PUT", "/api/v1/files/" + path).bearer(token)
                .body(json.getBytes(StandardCharsets.UTF_8), "application/json");
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return request.send();
    }

    private static String rawPut(int port, String token, String path, long declaredLength) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("PUT /api/v1/files/" + URLEncoder.encode(path, StandardCharsets.UTF_8) + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: video/mp4\r\nContent-Length: " + declaredLength
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readNBytes(512), StandardCharsets.ISO_8859_1);
        }
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
