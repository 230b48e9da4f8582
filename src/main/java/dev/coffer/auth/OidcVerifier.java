package dev.coffer.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.health.HealthReport;
import dev.coffer.support.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens of an external OIDC issuer (Cognito user pools or any other): the issuer's
 * discovery document names its JWKS, whose keys {@link IssuerKeys} fetches and caches. A token is
 * accepted only when all of this holds:
 *
 * <ul>
 *   <li>signed with an asymmetric algorithm (so an HS256 token made with the public key as secret is
 *   refused) by a key of the issuer's JWKS;</li>
 *   <li>it is an access token: JOSE {@code typ} absent, {@code JWT} or {@code at+jwt} (RFC 9068;
 *   {@code application/} prefix allowed, any case); no {@code token_use} other than {@code access}
 *   (Cognito ID tokens say {@code id}); no payload {@code typ} other than {@code Bearer} (Keycloak
 *   ID tokens say {@code ID}); no {@code at_hash}/{@code c_hash} (defined only for ID tokens); and
 *   not ID-token-shaped: a {@code nonce} with neither {@code scope}, {@code scp} nor {@code
 *   client_id} is refused, since ID tokens carry the login's nonce and no scope while access
 *   tokens that echo a nonce (Keycloak) also carry their scope;</li>
 *   <li>issuer exact, audience (or Cognito's {@code client_id}) the configured one;</li>
 *   <li>{@code exp} present and not passed, {@code nbf} (when present) reached, both within the
 *   configured clock leeway, read from the injected clock;</li>
 *   <li>a subject of 1 to {@value #MAX_SUBJECT_CHARS} characters without control characters
 *   (OpenID Connect Core 1.0, 2: at most 255 ASCII characters). The caller's user id is derived
 *   from issuer and subject, never taken from the token as it is.</li>
 * </ul>
 *
 * <p>A token whose key is not cached while the JWKS cannot be fetched is {@link
 * Outcome.Unavailable}, not invalid: its owner may well be a valid user. Thread-safe.
 */
final class OidcVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(OidcVerifier.class);
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    static final int MAX_SUBJECT_CHARS = 255;
    private static final Pattern SUBJECT = Pattern.compile("[^\\p{Cntrl}]{1," + MAX_SUBJECT_CHARS + "}");
    /** What a client is told to wait when the issuer is unreachable; fetches are retried every second meanwhile. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /** The outcome of checking one external token. */
    sealed interface Outcome {
        /** Every check passed; {@code subject} is the token's {@code sub}. */
        record Valid(String subject) implements Outcome {
            public Valid {
                Objects.requireNonNull(subject, "subject");
            }
        }

        /** Not an acceptable access token of this issuer; the reason is for the log only. */
        record Invalid(String reason) implements Outcome {
            public Invalid {
                Objects.requireNonNull(reason, "reason");
            }
        }

        /** The token's key is not cached and the issuer's JWKS cannot be fetched now. */
        record Unavailable(String reason, Duration retryAfter) implements Outcome {
            public Unavailable {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(retryAfter, "retryAfter");
            }
        }
    }

    private final String issuer;
    private final String audience;
    private final IssuerKeys keys;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    OidcVerifier(String issuer, String audience, IssuerKeys keys, Duration clockLeeway, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audience = Objects.requireNonNull(audience, "audience");
        this.keys = keys;
        this.clock = clock;
        processor.setJWSTypeVerifier(ACCESS_TOKEN_TYPES);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASYMMETRIC, keys));
        processor.setJWTClaimsSetVerifier(new AccessTokenClaims(issuer, audience, clockLeeway, clock));
    }

    /**
     * Reads the issuer's discovery document and JWKS now, so a wrong issuer or an unusable key set
     * stops start-up instead of every login, and logs one line naming issuer, audience and JWKS.
     */
    static OidcVerifier discover(URI issuerUri, String audience, Duration clockLeeway, Clock clock) {
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
        URI jwks;
        try {
            jwks = URI.create(discovery.path("jwks_uri").asText());
            if (!jwks.isAbsolute() || !List.of("http", "https").contains(jwks.getScheme().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new CofferException(ErrorCode.STARTUP_FAILED, "the discovery document of " + issuer + " has no usable jwks_uri",
                    "check the issuer's configuration");
        }
        var keys = new IssuerKeys(jwks, clock, IssuerKeys.Timing.DEFAULT, IssuerKeys.virtualThreads());
        IssuerKeys.Status fetched = keys.refreshIfDue();
        if (!fetched.current()) {
            throw new CofferException(ErrorCode.STARTUP_FAILED, "cannot read the signing keys of " + issuer + " from " + jwks
                    + " (" + fetched.lastFetch().flatMap(IssuerKeys.Fetch::error).orElse("no keys") + ")",
                    "check that the issuer's jwks_uri is reachable from Coffer");
        }
        LOG.info("oidc: issuer={} audience={} jwks={} keys={} clock_leeway={}s", discovery.path("issuer").asText(), audience,
                jwks, fetched.keysCached(), clockLeeway.toSeconds());
        return new OidcVerifier(discovery.path("issuer").asText(), audience, keys, clockLeeway, clock);
    }

    String issuer() {
        return issuer;
    }

    Outcome verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return new Outcome.Valid(claims.getSubject());
        } catch (IssuerKeys.Unreachable e) {
            // Logged once per outage by IssuerKeys, not once per request.
            return new Outcome.Unavailable("the identity provider's signing keys cannot be fetched; retry later", RETRY_AFTER);
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            return new Outcome.Invalid(loggable(e.getMessage()));
        }
    }

    /** A refusal reason for the debug log: library messages may quote the token, so no control characters and short. */
    private static String loggable(String message) {
        String flat = String.valueOf(message).replaceAll("\\p{Cntrl}", "?");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }

    /**
     * What /health shows about the issuer; refreshes the keys first when they are missing, stale or
     * the last fetch failed (at most once per second), so the report is the issuer's current state.
     */
    HealthReport.OidcHealth health() {
        IssuerKeys.Status status = keys.refreshIfDue();
        Instant now = clock.instant();
        HealthReport.LastFetch last = status.lastFetch().map(f -> new HealthReport.LastFetch(f.at().toString(), f.ok(),
                f.error().orElse(null))).orElse(null);
        return new HealthReport.OidcHealth(status.current() ? HealthReport.Connection.CONNECTED
                : HealthReport.Connection.CONNECTION_FAILED, issuer, audience, status.jwksUri().toString(), status.keysCached(),
                status.fetchedAt().map(at -> Math.max(0, Duration.between(at, now).toSeconds())).orElse(null), last);
    }

    /**
     * JOSE header {@code typ}: absent, {@code JWT} or {@code at+jwt} (RFC 9068), compared without
     * case and with the optional {@code application/} prefix (RFC 7515, 4.1.9). Anything else
     * (e.g. {@code logout+jwt}, {@code dpop+jwt}) is another kind of token.
     */
    private static final JOSEObjectTypeVerifier<SecurityContext> ACCESS_TOKEN_TYPES = (type, context) -> {
        if (type == null) {
            return;
        }
        String name = type.getType().toLowerCase(Locale.ROOT);
        if (name.startsWith("application/")) {
            name = name.substring("application/".length());
        }
        if (!name.equals(JOSEObjectType.JWT.getType().toLowerCase(Locale.ROOT)) && !name.equals("at+jwt")) {
            throw new BadJOSEException("JOSE typ is not an access token type");
        }
    };

    /** The claims rules of the class comment, with the leeway and clock given. */
    private record AccessTokenClaims(String issuer, String audience, Duration leeway, Clock clock)
            implements JWTClaimsSetVerifier<SecurityContext> {
        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            if (!issuer.equals(claims.getIssuer())) {
                throw new BadJWTException("issuer is not " + issuer);
            }
            Object tokenUse = claims.getClaim("token_use");
            if (tokenUse != null && !"access".equals(tokenUse)) {
                throw new BadJWTException("token_use is not 'access': not an access token");
            }
            Object payloadType = claims.getClaim("typ");
            if (payloadType != null && !"bearer".equals(payloadType.toString().toLowerCase(Locale.ROOT))) {
                throw new BadJWTException("typ claim is not 'Bearer': not an access token");
            }
            if (claims.getClaim("at_hash") != null || claims.getClaim("c_hash") != null) {
                throw new BadJWTException("at_hash/c_hash: an ID token, not an access token");
            }
            if (claims.getClaim("nonce") != null && claims.getClaim("scope") == null && claims.getClaim("scp") == null
                    && claims.getClaim("client_id") == null) {
                throw new BadJWTException("nonce without scope or client_id: an ID token, not an access token");
            }
            List<String> aud = claims.getAudience();
            if (!(aud != null && aud.contains(audience)) && !audience.equals(claims.getClaim("client_id"))) {
                throw new BadJWTException("audience/client_id is not " + audience);
            }
            Instant now = clock.instant();
            if (claims.getExpirationTime() == null) {
                throw new BadJWTException("no exp");
            }
            if (!now.isBefore(claims.getExpirationTime().toInstant().plus(leeway))) {
                throw new BadJWTException("expired at " + claims.getExpirationTime().toInstant() + " (leeway " + leeway + ")");
            }
            if (claims.getNotBeforeTime() != null && now.plus(leeway).isBefore(claims.getNotBeforeTime().toInstant())) {
                throw new BadJWTException("not valid before " + claims.getNotBeforeTime().toInstant() + " (leeway " + leeway + ")");
            }
            if (claims.getSubject() == null || !SUBJECT.matcher(claims.getSubject()).matches()) {
                throw new BadJWTException("no usable sub");
            }
        }
    }
}
