package dev.coffer.auth;

import java.util.Optional;

/**
 * Decides who a request comes from, given its {@code Authorization} and {@code X-Coffer-User}
 * headers. The auth piece owns the implementations (access tokens, service keys, OIDC); the HTTP
 * edge only passes headers in and gets a {@link Caller} (or nothing) back.
 */
public interface Authenticator {
    Optional<Caller> authenticate(String authorizationHeader, String onBehalfOfUser);
}
