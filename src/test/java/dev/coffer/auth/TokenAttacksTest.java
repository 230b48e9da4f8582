package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import dev.coffer.testing.TestIdentityProvider;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Forged tokens of every kind are refused with 401 and nothing leaks; service keys and an external
 * OIDC issuer (keys and discovery document made by the test, served on loopback) work as designed.
 */
@ExtendWith(SharedEmbeddedServers.class)
class TokenAttacksTest {
    static final String SECRET = "attack-test-signing-key-0123456789abcdefghij";
    static final String AUDIENCE = "app-client-123";
    static TestIdentityProvider idp;
    static RSAKey idpKey;
    static String issuer;
    static TestCoffer coffer;
    static Http http;
    static String serviceKey;

    @BeforeAll
    static void start(EmbeddedServers stack) throws Exception {
        idp = TestIdentityProvider.start();
        idpKey = idp.signingKey();
        issuer = idp.issuer();
        String[] key = ServiceKeys.generate();
        serviceKey = key[0];
        coffer = TestCoffer.start(stack, "[collections.notes]\ntable = \"t-notes-" + Long.toHexString(System.nanoTime()) + "\"\n",
                Map.of("SECRET_KEY", SECRET, "COFFER_SERVICE_KEYS", "backend=" + key[1],
                        "COFFER_AUTH_OIDC_ISSUER", issuer, "COFFER_AUTH_OIDC_AUDIENCE", AUDIENCE));
        http = coffer.http();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
        idp.close();
    }

    static JWTClaimsSet.Builder claims(String iss, String aud, Instant exp) {
        return new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject("victim").issueTime(new Date())
                .notBeforeTime(Date.from(Instant.now().minusSeconds(60))).expirationTime(Date.from(exp));
    }

    static String hs256(JWTClaimsSet claims, byte[] key) throws Exception {
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    static String rs256(JWTClaimsSet claims, RSAKey key) throws Exception {
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static int me(String token) {
        return http.get("/api/v1/collections/notes/items", token).status();
    }

    @Test
    void validCofferToken_accepted_asControl() throws Exception {
        String token = hs256(claims("coffer", "coffer-api", Instant.now().plusSeconds(300)).build(), SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(me(token)).isEqualTo(200);
    }

    @Test
    void algNone_refused() {
        String token = new PlainJWT(new PlainHeader(), claims("coffer", "coffer-api", Instant.now().plusSeconds(300)).build()).serialize();
        Http.Response r = http.get("/api/v1/collections/notes/items", token);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("code").asText()).isEqualTo("unauthorized");
        assertThat(r.header("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void signedWithAnotherKey_refused() throws Exception {
        assertThat(me(hs256(claims("coffer", "coffer-api", Instant.now().plusSeconds(300)).build(),
                "another-key-of-sufficient-length-0123456789".getBytes(StandardCharsets.UTF_8)))).isEqualTo(401);
    }

    @Test
    void expiredOrNotYetValidOrWrongAudienceOrIssuer_refused() throws Exception {
        byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
        assertThat(me(hs256(claims("coffer", "coffer-api", Instant.now().minusSeconds(120)).build(), key))).isEqualTo(401);
        assertThat(me(hs256(claims("coffer", "coffer-api", Instant.now().plusSeconds(900))
                .notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build(), key))).isEqualTo(401);
        assertThat(me(hs256(claims("coffer", "someone-else", Instant.now().plusSeconds(300)).build(), key))).isEqualTo(401);
        assertThat(me(hs256(claims("evil", "coffer-api", Instant.now().plusSeconds(300)).build(), key))).isEqualTo(401);
    }

    @Test
    void truncatedAndGarbageTokens_refused() throws Exception {
        String good = hs256(claims("coffer", "coffer-api", Instant.now().plusSeconds(300)).build(), SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(me(good.substring(0, good.length() - 3))).isEqualTo(401);
        assertThat(me("a.b.c")).isEqualTo(401);
        assertThat(http.request("GET", "/api/v1/collections/notes/items").header("Authorization", "Basic dXNlcjpwYXNz").send().status())
                .isEqualTo(401);
    }

    @Test
    void oidcToken_validSignatureAndAudience_acceptedAsSub() throws Exception {
        String token = rs256(claims(issuer, AUDIENCE, Instant.now().plusSeconds(300)).subject("cognito-sub-1").build(), idpKey);
        Http.Response created = http.request("POST", "/api/v1/collections/notes/items").bearer(token).json(Map.of("t", 1)).send();
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("user_id").asText()).isEqualTo(UserId.external(issuer, "cognito-sub-1").value())
                .startsWith("ext-");
        JsonNode whoami = http.get("/api/v1/auth/whoami", token).json();
        assertThat(whoami.path("kind").asText()).isEqualTo("external");
        assertThat(whoami.path("subject").asText()).isEqualTo("cognito-sub-1");
        assertThat(whoami.path("issuer").asText()).isEqualTo(issuer);
        // Cognito access tokens carry client_id instead of aud.
        String access = rs256(new JWTClaimsSet.Builder().issuer(issuer).subject("cognito-sub-1").claim("client_id", AUDIENCE)
                .claim("token_use", "access").expirationTime(Date.from(Instant.now().plusSeconds(300))).build(), idpKey);
        assertThat(me(access)).isEqualTo(200);
    }

    @Test
    void oidcToken_otherKeyWrongAudienceExpired_refused() throws Exception {
        RSAKey attacker = TestIdentityProvider.forgedKey(idpKey.getKeyID());
        assertThat(me(rs256(claims(issuer, AUDIENCE, Instant.now().plusSeconds(300)).build(), attacker))).isEqualTo(401);
        assertThat(me(rs256(claims(issuer, "other-client", Instant.now().plusSeconds(300)).build(), idpKey))).isEqualTo(401);
        assertThat(me(rs256(claims(issuer, AUDIENCE, Instant.now().minusSeconds(300)).build(), idpKey))).isEqualTo(401);
    }

    @Test
    void hsRsConfusion_publicKeyUsedAsHmacSecret_refused() throws Exception {
        byte[] publicKeyBytes = idpKey.toRSAPublicKey().getEncoded();
        String forged = hs256(claims(issuer, AUDIENCE, Instant.now().plusSeconds(300)).build(), publicKeyBytes);
        assertThat(me(forged)).isEqualTo(401);
        String forgedPem = hs256(claims(issuer, AUDIENCE, Instant.now().plusSeconds(300)).build(),
                idpKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        assertThat(me(forgedPem)).isEqualTo(401);
    }

    @Test
    void serviceKey_actsForNamedUser_onlyWithHeader() {
        Http.Response created = http.request("POST", "/api/v1/collections/notes/items").bearer(serviceKey)
                .header("X-Coffer-User", "backend-user-7").json(Map.of("t", 1)).send();
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("user_id").asText()).isEqualTo("backend-user-7");
        Http.Response unnamed = http.request("GET", "/api/v1/collections/notes/items").bearer(serviceKey).send();
        assertThat(unnamed.status()).isEqualTo(400);
        assertThat(unnamed.json().path("code").asText()).isEqualTo("validation_failed");
        assertThat(unnamed.json().path("detail").asText()).contains("X-Coffer-User");
        assertThat(http.request("GET", "/api/v1/collections/notes/items").bearer("ck_not-a-real-key")
                .header("X-Coffer-User", "backend-user-7").send().status()).isEqualTo(401);
        assertThat(http.request("GET", "/api/v1/auth/me").bearer(serviceKey).header("X-Coffer-User", "backend-user-7").send().status())
                .isEqualTo(403);
    }

    @Test
    void userToken_cannotNameAnotherUser() throws Exception {
        String token = hs256(claims("coffer", "coffer-api", Instant.now().plusSeconds(300)).build(), SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(http.request("GET", "/api/v1/collections/notes/items").bearer(token).header("X-Coffer-User", "someone").send().status())
                .isEqualTo(401);
    }

    @Test
    void oidcSubjectEqualToALocalAccountsId_neverReachesThatAccountsData() throws Exception {
        Map<String, String> credentials = Map.of("email", "namespace-victim@example.com", "password", "correct horse battery");
        String victimId = http.request("POST", "/api/v1/auth/register").json(credentials).send().json().path("user_id").asText();
        String victimToken = http.request("POST", "/api/v1/auth/login").json(credentials).send().json().path("access_token").asText();
        assertThat(http.request("POST", "/api/v1/collections/notes/items").bearer(victimToken).json(Map.of("secret", "v"))
                .send().status()).isEqualTo(201);
        assertThat(http.request("PUT", "/api/v1/files/private.txt").bearer(victimToken).body("victim".getBytes(StandardCharsets.UTF_8),
                "text/plain").send().status()).isEqualTo(200);

        // The issuer's admin chooses a sub equal to the local account's id.
        String forgedSub = rs256(claims(issuer, AUDIENCE, Instant.now().plusSeconds(300)).subject(victimId).build(), idpKey);
        Http.Response items = http.get("/api/v1/collections/notes/items", forgedSub);
        assertThat(items.status()).isEqualTo(200);
        assertThat(items.body()).doesNotContain("\"secret\"").doesNotContain(victimId);
        assertThat(http.get("/api/v1/files/private.txt", forgedSub).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/files", forgedSub).body()).doesNotContain("private.txt");
        assertThat(http.get("/api/v1/collections/notes/items", victimToken).body()).contains("\"secret\"");
    }

    @Test
    void serviceKey_userIdsThatCouldLeaveTheirPrefix_refusedBeforeAnyStorageCall() {
        assertThat(http.request("PUT", "/api/v1/files/mine.txt").bearer(serviceKey).header("X-Coffer-User", "prefix-victim")
                .body("victim".getBytes(StandardCharsets.UTF_8), "text/plain").send().status()).isEqualTo(200);
        for (String bad : List.of(".", "..", "...", "a/b", "a\\b", "a b", "tab\tx", "x".repeat(UserId.MAX_LENGTH + 1), "%2e%2e",
                "\u00e9")) {
            for (String[] request : new String[][] {{"GET", "/api/v1/files"}, {"GET", "/api/v1/files/prefix-victim/mine.txt"},
                    {"DELETE", "/api/v1/files/prefix-victim/mine.txt"}, {"GET", "/api/v1/collections/notes/items"}}) {
                Http.Response response = http.request(request[0], request[1]).bearer(serviceKey).header("X-Coffer-User", bad).send();
                assertThat(response.status()).as(bad + " " + request[1] + ": " + response.body()).isEqualTo(400);
                assertThat(response.json().path("code").asText()).isEqualTo("validation_failed");
            }
        }
        assertThat(http.request("GET", "/api/v1/files/mine.txt").bearer(serviceKey).header("X-Coffer-User", "prefix-victim")
                .send().body()).isEqualTo("victim");
    }
}
