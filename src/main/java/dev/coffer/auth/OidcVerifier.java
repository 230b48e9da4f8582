package dev.coffer.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tokens of an external OIDC issuer (Cognito user pools or any other): the issuer's discovery
 * document names its JWKS, which is fetched and cached; every token's signature is verified with
 * an asymmetric algorithm only (so an HS256 token made with the public key as secret is refused),
 * and its issuer, audience (or Cognito's {@code client_id}), expiry and not-before are checked.
 * The subject must be 1 to {@value #MAX_SUBJECT_CHARS} characters without control characters
 * (OpenID Connect Core 1.0, 2: at most 255 ASCII characters); the caller's user id is derived from
 * issuer and subject, never taken from the token as it is.
 */
final class OidcVerifier {
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    static final int MAX_SUBJECT_CHARS = 255;
    private static final Pattern SUBJECT = Pattern.compile("[^\\p{Cntrl}]{1," + MAX_SUBJECT_CHARS + "}");

    private final String issuer;
    private final String audience;
    private final DefaultJWTProcessor<SecurityContext> processor;

    private OidcVerifier(String issuer, String audience, DefaultJWTProcessor<SecurityContext> processor) {
        this.issuer = issuer;
        this.audience = audience;
        this.processor = processor;
    }

    /** Reads the issuer's discovery document now, so a wrong issuer stops start-up instead of every login. */
    static OidcVerifier discover(URI issuerUri, String audience) {
        String issuer = issuerUri.toString().replaceAll("/+$", "");
        JsonNode discovery;
        try {
            HttpResponse<byte[]> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode());
            }
            discovery = Json.mapper().readTree(response.body());
        } catch (Exception e) {
            throw new CofferException(ErrorCode.STARTUP_FAILED, "cannot read the OIDC discovery document of " + issuer
                    + " (" + e.getClass().getSimpleName() + ")", "check auth.oidc.issuer and that the issuer is reachable");
        }
        if (!issuer.equals(discovery.path("issuer").asText().replaceAll("/+$", ""))) {
            throw new CofferException(ErrorCode.STARTUP_FAILED, "the discovery document names issuer '"
                    + discovery.path("issuer").asText() + "', not " + issuer, "set auth.oidc.issuer to the exact issuer");
        }
        try {
            URI jwks = URI.create(discovery.path("jwks_uri").asText());
            JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks.toURL()).retrying(true).build();
            var processor = new DefaultJWTProcessor<SecurityContext>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASYMMETRIC, keys));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    new JWTClaimsSet.Builder().issuer(discovery.path("issuer").asText()).build(), Set.of("sub", "exp")));
            return new OidcVerifier(discovery.path("issuer").asText(), audience, processor);
        } catch (Exception e) {
            throw new CofferException(ErrorCode.STARTUP_FAILED, "the discovery document of " + issuer + " has no usable jwks_uri",
                    "check the issuer's configuration");
        }
    }

    String issuer() {
        return issuer;
    }

    /** The subject of a valid token, or empty. */
    Optional<String> verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            List<String> aud = claims.getAudience();
            Object clientId = claims.getClaim("client_id");
            boolean audienceOk = (aud != null && aud.contains(audience)) || audience.equals(clientId);
            String sub = claims.getSubject();
            return audienceOk && sub != null && SUBJECT.matcher(sub).matches() ? Optional.of(sub) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
