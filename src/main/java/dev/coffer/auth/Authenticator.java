package dev.coffer.auth;

import java.util.Optional;

/**
 * Decides who a request comes from, given its {@code Authorization} and {@code X-Coffer-User}
 * headers. The auth piece owns the implementations (access tokens, service keys, OIDC); the HTTP
 * edge only passes headers in and gets a {@link Caller} (or nothing) back.
 */
public interface Authenticator {
    Optional<Caller> authenticate(String authorizationHeader, String onBehalfOfUser);

    /** Access tokens only: the seam other pieces and tests build on until service keys and OIDC join. */
    static Authenticator accessTokens(AccessTokens tokens) {
        return (authorization, onBehalfOf) -> {
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.empty();
            }
            if (onBehalfOf != null) {
                // Only service keys may name a user; a user token that tries is refused outright.
                return Optional.empty();
            }
            return tokens.verify(authorization.substring(7).trim()).map(id -> new Caller(id, Caller.Kind.ACCESS_TOKEN));
        };
    }
}
