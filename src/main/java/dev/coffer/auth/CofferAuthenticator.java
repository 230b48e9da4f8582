package dev.coffer.auth;

import com.nimbusds.jwt.JWTParser;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every way to call Coffer: Coffer's own access tokens, service keys acting for the user named
 * in {@code X-Coffer-User} (only service keys may name a user), and tokens of the configured OIDC
 * issuer. The token's own issuer only picks which verifier runs; each verifies fully.
 */
final class CofferAuthenticator implements Authenticator {
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._:@|+-]{1,128}");
    private final AccessTokens accessTokens;
    private final ServiceKeys serviceKeys;
    private final Optional<OidcVerifier> oidc;

    CofferAuthenticator(AccessTokens accessTokens, ServiceKeys serviceKeys, Optional<OidcVerifier> oidc) {
        this.accessTokens = accessTokens;
        this.serviceKeys = serviceKeys;
        this.oidc = oidc;
    }

    @Override
    public Optional<Caller> authenticate(String authorization, String onBehalfOf) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty() || token.length() > 8192) {
            return Optional.empty();
        }
        if (serviceKeys.isServiceKey(token)) {
            if (onBehalfOf == null || !USER_ID.matcher(onBehalfOf).matches() || !serviceKeys.accepts(token)) {
                return Optional.empty();
            }
            return Optional.of(new Caller(onBehalfOf, Caller.Kind.SERVICE_KEY));
        }
        if (onBehalfOf != null) {
            return Optional.empty();
        }
        if (oidc.isPresent() && issuedBy(token, oidc.get().issuer())) {
            return oidc.get().verify(token).map(sub -> new Caller(sub, Caller.Kind.OIDC));
        }
        return accessTokens.verify(token).map(id -> new Caller(id, Caller.Kind.ACCESS_TOKEN));
    }

    private static boolean issuedBy(String token, String issuer) {
        try {
            return issuer.equals(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
        } catch (Exception e) {
            return false;
        }
    }
}
