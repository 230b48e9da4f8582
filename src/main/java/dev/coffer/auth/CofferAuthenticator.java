package dev.coffer.auth;

import com.nimbusds.jwt.JWTParser;
import dev.coffer.identity.Authentication;
import dev.coffer.identity.Authenticator;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import java.util.Optional;

/**
 * Every way to call Coffer: Coffer's own access tokens, service keys acting for the user named
 * in {@code X-Coffer-User} (only service keys may name a user), and access tokens of the
 * configured OIDC issuer, whose users get ids derived from issuer and subject ({@link
 * UserId#external}). The token's own issuer only picks which verifier runs; each verifies fully.
 */
final class CofferAuthenticator implements Authenticator {
    private static final int MAX_TOKEN_CHARS = 8192;
    private final AccessTokens accessTokens;
    private final ServiceKeys serviceKeys;
    private final Optional<OidcVerifier> oidc;
    private final AccountStanding standing;

    CofferAuthenticator(AccessTokens accessTokens, ServiceKeys serviceKeys, Optional<OidcVerifier> oidc,
                        AccountStanding standing) {
        this.accessTokens = accessTokens;
        this.serviceKeys = serviceKeys;
        this.oidc = oidc;
        this.standing = standing;
    }

    /** The session version a verified caller's credential was issued under; service keys are not revoked by logouts. */
    private record Checked(Authentication outcome, long sessionVersion) {
    }

    @Override
    public Authentication authenticate(String authorization, String onBehalfOf) {
        Checked checked = verify(authorization, onBehalfOf);
        // A deleted or disabled account's unexpired token, or a service key naming it, must not
        // write data; a token issued before a logout or password change is revoked. One read of
        // the user's standing item (cached briefly, see AccountStanding). External ids are
        // derived from another issuer and have no standing here.
        if (checked.outcome() instanceof Authentication.Verified verified && verified.caller().kind() != Caller.Kind.EXTERNAL) {
            Optional<String> refusal = standing.refusal(verified.caller().userId(), checked.sessionVersion());
            if (refusal.isPresent()) {
                return new Authentication.Refused(refusal.get());
            }
        }
        return checked.outcome();
    }

    private Checked verify(String authorization, String onBehalfOf) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refused("no bearer token");
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return refused("empty or oversized token");
        }
        if (serviceKeys.isServiceKey(token)) {
            // No logout revokes a service key: only the user's deletion or disabling stops it.
            return new Checked(serviceKey(token, onBehalfOf), Long.MAX_VALUE);
        }
        if (onBehalfOf != null) {
            return refused("only service keys may name a user in " + ON_BEHALF_OF_HEADER);
        }
        if (oidc.isPresent() && issuedBy(token, oidc.get().issuer())) {
            return new Checked(switch (oidc.get().verify(token)) {
                case OidcVerifier.Outcome.Valid valid -> new Authentication.Verified(Caller.external(oidc.get().issuer(), valid.subject()));
                case OidcVerifier.Outcome.Invalid invalid -> new Authentication.Refused("external token not valid: " + invalid.reason());
                case OidcVerifier.Outcome.Unavailable unavailable -> new Authentication.Unavailable(unavailable.reason(),
                        unavailable.retryAfter());
            }, Long.MAX_VALUE);
        }
        return accessTokens.claims(token)
                .map(c -> new Checked(new Authentication.Verified(Caller.account(c.user())), c.sessionVersion()))
                .orElseGet(() -> refused("access token not valid"));
    }

    private static Checked refused(String reason) {
        return new Checked(new Authentication.Refused(reason), 0);
    }

    private Authentication serviceKey(String token, String onBehalfOf) {
        // The key is checked before the header, so a caller without a valid key learns nothing
        // about which user ids are well-formed.
        if (!serviceKeys.accepts(token)) {
            return new Authentication.Refused("unknown service key");
        }
        if (onBehalfOf == null) {
            return new Authentication.Invalid(ON_BEHALF_OF_HEADER, "a service key must name the user it acts for");
        }
        Optional<String> problem = UserId.problemWith(onBehalfOf);
        if (problem.isPresent()) {
            return new Authentication.Invalid(ON_BEHALF_OF_HEADER, "the user id " + problem.get());
        }
        return new Authentication.Verified(Caller.service(new UserId(onBehalfOf)));
    }

    private static boolean issuedBy(String token, String issuer) {
        try {
            return issuer.equals(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
        } catch (Exception e) {
            return false;
        }
    }
}
