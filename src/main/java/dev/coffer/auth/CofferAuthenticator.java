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
    private final DeletedUsers deletedUsers;
    private final DisabledUsers disabledUsers;

    CofferAuthenticator(AccessTokens accessTokens, ServiceKeys serviceKeys, Optional<OidcVerifier> oidc,
                        DeletedUsers deletedUsers, DisabledUsers disabledUsers) {
        this.accessTokens = accessTokens;
        this.serviceKeys = serviceKeys;
        this.oidc = oidc;
        this.deletedUsers = deletedUsers;
        this.disabledUsers = disabledUsers;
    }

    @Override
    public Authentication authenticate(String authorization, String onBehalfOf) {
        Authentication outcome = verify(authorization, onBehalfOf);
        // A deleted account's unexpired token, or a service key naming it, must not write data
        // that would then belong to no account; external ids are derived and never deleted here.
        if (outcome instanceof Authentication.Verified verified && verified.caller().kind() != Caller.Kind.EXTERNAL
                && deletedUsers.isDeleted(verified.caller().userId())) {
            return new Authentication.Refused("the account was deleted");
        }
        // A user an admin disabled (console): refused until enabled again, whatever the token.
        if (outcome instanceof Authentication.Verified verified && disabledUsers.isDisabled(verified.caller().userId())) {
            return new Authentication.Refused("the account is disabled");
        }
        return outcome;
    }

    private Authentication verify(String authorization, String onBehalfOf) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Authentication.Refused("no bearer token");
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return new Authentication.Refused("empty or oversized token");
        }
        if (serviceKeys.isServiceKey(token)) {
            return serviceKey(token, onBehalfOf);
        }
        if (onBehalfOf != null) {
            return new Authentication.Refused("only service keys may name a user in " + ON_BEHALF_OF_HEADER);
        }
        if (oidc.isPresent() && issuedBy(token, oidc.get().issuer())) {
            return switch (oidc.get().verify(token)) {
                case OidcVerifier.Outcome.Valid valid -> new Authentication.Verified(Caller.external(oidc.get().issuer(), valid.subject()));
                case OidcVerifier.Outcome.Invalid invalid -> new Authentication.Refused("external token not valid: " + invalid.reason());
                case OidcVerifier.Outcome.Unavailable unavailable -> new Authentication.Unavailable(unavailable.reason(),
                        unavailable.retryAfter());
            };
        }
        return accessTokens.verify(token)
                .<Authentication>map(id -> new Authentication.Verified(Caller.account(id)))
                .orElseGet(() -> new Authentication.Refused("access token not valid"));
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
