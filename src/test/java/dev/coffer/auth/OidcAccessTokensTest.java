package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import dev.coffer.testing.TestIdentityProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * External OIDC tokens at the HTTP edge: only access tokens are accepted (ID tokens of Cognito and
 * Keycloak are refused, RFC 9068 {@code at+jwt} tokens accepted); {@code exp}/{@code nbf} are
 * checked with the configured clock leeway; an unreachable issuer gives 503 for tokens whose key
 * is not cached while cached keys keep working, and shows in /health; forged key ids cannot keep a
 * rotated key out for more than the one-second minimum between JWKS fetches. Time is a {@link
 * MutableClock}, never a sleep.
 */
@ExtendWith(SharedEmbeddedServers.class)
class OidcAccessTokensTest {
    static final String SECRET = "oidc-test-signing-key-0123456789abcdefghijkl";
    static final String AUDIENCE = "app-client-123";
    static final String ITEMS = "/api/v1/collections/notes/items";
    static TestIdentityProvider idp;
    static MutableClock clock;
    static TestCoffer coffer;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        idp = TestIdentityProvider.start();
        clock = MutableClock.atNow();
        coffer = startCoffer(stack, idp, clock, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
        idp.close();
    }

    static TestCoffer startCoffer(EmbeddedServers stack, TestIdentityProvider issuer, MutableClock time, Map<String, String> extraEnv) {
        var env = new java.util.HashMap<String, String>(Map.of("SECRET_KEY", SECRET, "COFFER_AUTH_OIDC_ISSUER", issuer.issuer(),
                "COFFER_AUTH_OIDC_AUDIENCE", AUDIENCE));
        env.putAll(extraEnv);
        return TestCoffer.start(stack, "[collections.notes]\ntable = \"t-oidc-" + UUID.randomUUID().toString().substring(0, 8) + "\"\n",
                env, time);
    }

    /** One kind of token: the JOSE typ, how its claims differ from a plain access token, and the answer. */
    record TokenCase(String name, String joseType, UnaryOperator<JWTClaimsSet.Builder> claims, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<TokenCase> tokenKinds() {
        return Stream.of(
                new TokenCase("plain access token, no typ", null, c -> c, 200),
                new TokenCase("typ JWT", "JWT", c -> c, 200),
                new TokenCase("RFC 9068 typ at+jwt", "at+jwt", c -> c.claim("client_id", AUDIENCE).claim("scope", "openid"), 200),
                new TokenCase("RFC 9068 typ application/at+jwt", "application/at+jwt", c -> c, 200),
                new TokenCase("typ AT+JWT (case-insensitive)", "AT+JWT", c -> c, 200),
                new TokenCase("Cognito access token: token_use access, client_id, no aud", null,
                        c -> c.audience((String) null).claim("client_id", AUDIENCE).claim("token_use", "access"), 200),
                new TokenCase("Keycloak access token: payload typ Bearer, nonce with scope", "JWT",
                        c -> c.claim("typ", "Bearer").claim("nonce", "n-1").claim("scope", "openid profile").claim("azp", AUDIENCE), 200),
                new TokenCase("Cognito ID token: token_use id", null, c -> c.claim("token_use", "id").claim("cognito:username", "u"), 401),
                new TokenCase("Keycloak ID token: payload typ ID", "JWT", c -> c.claim("typ", "ID").claim("azp", AUDIENCE), 401),
                new TokenCase("Keycloak refresh token shape: payload typ Refresh", "JWT", c -> c.claim("typ", "Refresh"), 401),
                new TokenCase("ID token: nonce, no scope or client_id", null, c -> c.claim("nonce", "n-1").claim("auth_time", 1), 401),
                new TokenCase("ID token: at_hash", null, c -> c.claim("at_hash", "abc").claim("scope", "openid"), 401),
                new TokenCase("token_use of another kind", null, c -> c.claim("token_use", "refresh").claim("client_id", AUDIENCE), 401),
                new TokenCase("JOSE typ logout+jwt", "logout+jwt", c -> c, 401),
                new TokenCase("JOSE typ JOSE", "JOSE", c -> c, 401),
                new TokenCase("JOSE typ id+jwt", "id+jwt", c -> c, 401));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenKinds")
    void externalToken_onlyAccessTokensAccepted(TokenCase kind) {
        JWTClaimsSet claims = kind.claims().apply(idp.accessToken(AUDIENCE, "sub-kinds", clock.instant())).build();
        Http.Response response = coffer.http().get(ITEMS, TestIdentityProvider.sign(claims, idp.signingKey(), kind.joseType()));

        assertThat(response.status()).as(response.body()).isEqualTo(kind.status());
        if (kind.status() == 401) {
            assertThat(response.json().path("code").asText()).isEqualTo("unauthorized");
            assertThat(response.header("WWW-Authenticate")).contains("Bearer");
            // Every refusal looks the same: the reason stays in the server.
            assertThat(response.body()).doesNotContain("token_use").doesNotContain("nonce").doesNotContain("access token")
                    .doesNotContain("\"typ\"");
        }
    }

    @Test
    void coffersOwnAccessTokens_typJwt_stillAccepted() {
        assertThat(coffer.http().get(ITEMS, coffer.tokenFor("own-user")).status()).isEqualTo(200);
    }

    @Test
    void expiryAndNotBefore_defaultLeeway30s_45sOutsideRefused_20sInsideAccepted() throws Exception {
        Instant now = clock.instant();
        assertThat(oidcStatus(coffer, c -> c.expirationTime(Date.from(now.minusSeconds(45))))).isEqualTo(401);
        assertThat(oidcStatus(coffer, c -> c.notBeforeTime(Date.from(now.plusSeconds(45))))).isEqualTo(401);
        assertThat(oidcStatus(coffer, c -> c.expirationTime(Date.from(now.minusSeconds(20))))).isEqualTo(200);
        assertThat(oidcStatus(coffer, c -> c.notBeforeTime(Date.from(now.plusSeconds(20))))).isEqualTo(200);
        assertThat(oidcStatus(coffer, c -> c.expirationTime(null))).isEqualTo(401);
        assertThat(cofferTokenStatus(coffer, now.minusSeconds(45), now.minusSeconds(900))).isEqualTo(401);
        assertThat(cofferTokenStatus(coffer, now.plusSeconds(900), now.plusSeconds(45))).isEqualTo(401);
        assertThat(cofferTokenStatus(coffer, now.minusSeconds(20), now.minusSeconds(900))).isEqualTo(200);
    }

    @Test
    void expiryAndNotBefore_leeway60s_45sAccepted_75sRefused_forOidcAndCofferTokens(EmbeddedServers stack) throws Exception {
        try (var lenient = startCoffer(stack, idp, clock, Map.of("COFFER_AUTH_CLOCK_LEEWAY", "60s"))) {
            Instant now = clock.instant();
            assertThat(oidcStatus(lenient, c -> c.expirationTime(Date.from(now.minusSeconds(45))))).isEqualTo(200);
            assertThat(oidcStatus(lenient, c -> c.notBeforeTime(Date.from(now.plusSeconds(45))))).isEqualTo(200);
            assertThat(oidcStatus(lenient, c -> c.expirationTime(Date.from(now.minusSeconds(75))))).isEqualTo(401);
            assertThat(oidcStatus(lenient, c -> c.notBeforeTime(Date.from(now.plusSeconds(75))))).isEqualTo(401);
            assertThat(cofferTokenStatus(lenient, now.minusSeconds(45), now.minusSeconds(900))).isEqualTo(200);
            assertThat(cofferTokenStatus(lenient, now.plusSeconds(900), now.plusSeconds(45))).isEqualTo(200);
            assertThat(cofferTokenStatus(lenient, now.minusSeconds(75), now.minusSeconds(900))).isEqualTo(401);
        }
    }

    private static int oidcStatus(TestCoffer target, UnaryOperator<JWTClaimsSet.Builder> change) {
        JWTClaimsSet claims = change.apply(idp.accessToken(AUDIENCE, "sub-leeway", clock.instant())
                .notBeforeTime(Date.from(clock.instant().minusSeconds(600)))).build();
        return target.http().get(ITEMS, idp.sign(claims)).status();
    }

    /** A token as Coffer issues them, but with the given expiry and not-before. */
    private static int cofferTokenStatus(TestCoffer target, Instant expiry, Instant notBefore) throws Exception {
        var claims = new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE).subject("leeway-user")
                .issueTime(Date.from(notBefore)).notBeforeTime(Date.from(notBefore)).expirationTime(Date.from(expiry))
                .jwtID(UUID.randomUUID().toString()).build();
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return target.http().get(ITEMS, jwt.serialize()).status();
    }

    @Test
    void issuerOutage_uncachedKey503WithRetryAfter_cachedKeyWorks_healthDegradedThenHealthyAfterRecovery(EmbeddedServers stack)
            throws Exception {
        MutableClock time = MutableClock.atNow();
        try (var issuer = TestIdentityProvider.start(); var log = LogCapture.start();
             var server = startCoffer(stack, issuer, time, Map.of())) {
            Http http = server.http();
            String oldKeyToken = issuer.sign(issuer.accessToken(AUDIENCE, "sub-outage", time.instant()).build());
            assertThat(http.get(ITEMS, oldKeyToken).status()).isEqualTo(200);
            JsonNode healthy = http.get("/health").json();
            assertThat(healthy.path("status").asText()).isEqualTo("healthy");
            assertThat(healthy.path("auth").path("oidc").path("status").asText()).isEqualTo("connected");

            time.advance(Duration.ofSeconds(1));
            issuer.failJwks(true);
            issuer.rotate("key-2");
            String newKeyToken = issuer.sign(issuer.accessToken(AUDIENCE, "sub-outage", time.instant()).build());
            int requestsBefore = issuer.jwksRequests();
            Http.Response unavailable = http.get(ITEMS, newKeyToken);
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.json().path("code").asText()).isEqualTo("identity_provider_unavailable");
            assertThat(unavailable.header("Retry-After")).contains("5");
            assertThat(unavailable.body()).doesNotContain("HTTP 500").doesNotContain("jwks");
            // The cached key keeps serving its users through the outage.
            assertThat(http.get(ITEMS, oldKeyToken).status()).isEqualTo(200);
            // More uncached keys within the second make no more fetches: an outage is not hammered.
            for (int i = 0; i < 10; i++) {
                RSAKey forged = TestIdentityProvider.forgedKey("forged-" + i);
                assertThat(http.get(ITEMS, TestIdentityProvider.sign(issuer.accessToken(AUDIENCE, "x", time.instant()).build(), forged,
                        null)).status()).isEqualTo(503);
            }
            assertThat(issuer.jwksRequests()).isEqualTo(requestsBefore + 1);

            Http.Response degraded = http.get("/health");
            assertThat(degraded.status()).isEqualTo(200);
            JsonNode oidc = degraded.json().path("auth").path("oidc");
            assertThat(degraded.json().path("status").asText()).isEqualTo("degraded");
            assertThat(oidc.path("status").asText()).isEqualTo("connection_failed");
            assertThat(oidc.path("issuer").asText()).isEqualTo(issuer.issuer());
            assertThat(oidc.path("audience").asText()).isEqualTo(AUDIENCE);
            assertThat(oidc.path("jwks_uri").asText()).isEqualTo(issuer.issuer() + "/jwks.json");
            assertThat(oidc.path("keys_cached").asInt()).isEqualTo(1);
            assertThat(oidc.path("keys_age_seconds").asLong()).isEqualTo(1);
            assertThat(oidc.path("last_fetch").path("ok").asBoolean(true)).isFalse();
            assertThat(oidc.path("last_fetch").path("error").asText()).isEqualTo("HTTP 500");
            assertThat(oidc.path("last_fetch").path("at").asText()).isEqualTo(time.instant().toString());
            // Public key material and tokens never appear in the report.
            assertThat(degraded.body()).doesNotContain("\"n\"").doesNotContain("\"kid\"").doesNotContain(oldKeyToken.substring(0, 40));

            issuer.failJwks(false);
            time.advance(Duration.ofSeconds(1));
            JsonNode recovered = http.get("/health").json();
            assertThat(recovered.path("status").asText()).isEqualTo("healthy");
            assertThat(recovered.path("auth").path("oidc").path("status").asText()).isEqualTo("connected");
            assertThat(recovered.path("auth").path("oidc").path("keys_cached").asInt()).isEqualTo(2);
            assertThat(recovered.path("auth").path("oidc").path("last_fetch").path("ok").asBoolean()).isTrue();
            assertThat(recovered.path("auth").path("oidc").has("last_fetch")).isTrue();
            assertThat(recovered.path("auth").path("oidc").path("last_fetch").has("error")).isFalse();
            assertThat(http.get(ITEMS, newKeyToken).status()).isEqualTo(200);

            String logged = log.text();
            assertThat(logged).containsOnlyOnce("oidc: issuer=" + issuer.issuer() + " audience=" + AUDIENCE + " jwks="
                    + issuer.issuer() + "/jwks.json");
            assertThat(logged).containsOnlyOnce("oidc: cannot fetch the signing keys from " + issuer.issuer() + "/jwks.json (HTTP 500)");
            assertThat(logged).containsOnlyOnce("oidc: signing keys fetched again from " + issuer.issuer() + "/jwks.json");
        }
    }

    @Test
    void keyRotation_twoForgedKeyIdsFirst_realNewKeyAcceptedOneClockSecondLater(EmbeddedServers stack) throws Exception {
        MutableClock time = MutableClock.atNow();
        try (var issuer = TestIdentityProvider.start(); var server = startCoffer(stack, issuer, time, Map.of())) {
            Http http = server.http();
            assertThat(http.get(ITEMS, issuer.sign(issuer.accessToken(AUDIENCE, "sub-rotation", time.instant()).build())).status())
                    .isEqualTo(200);
            time.advance(Duration.ofSeconds(5));
            int requestsBefore = issuer.jwksRequests();
            for (String kid : List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString())) {
                String forged = TestIdentityProvider.sign(issuer.accessToken(AUDIENCE, "sub-rotation", time.instant()).build(),
                        TestIdentityProvider.forgedKey(kid), null);
                assertThat(http.get(ITEMS, forged).status()).isEqualTo(401);
            }
            assertThat(issuer.jwksRequests()).isEqualTo(requestsBefore + 1);

            issuer.rotate("key-2");
            String rotated = issuer.sign(issuer.accessToken(AUDIENCE, "sub-rotation", time.instant()).build());
            // Within the second after the forged tokens' fetch no new fetch is made...
            assertThat(http.get(ITEMS, rotated).status()).isEqualTo(401);
            time.advance(Duration.ofSeconds(1));
            // ...and one second later the real new key is fetched and accepted (nimbus' limiter: 30 s).
            assertThat(http.get(ITEMS, rotated).status()).isEqualTo(200);
            assertThat(issuer.jwksRequests()).isEqualTo(requestsBefore + 2);
        }
    }
}
