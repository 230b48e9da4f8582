package dev.coffer.identity;

/**
 * Decides who a request comes from, given its {@code Authorization} and {@code X-Coffer-User}
 * headers (either may be null). The auth piece owns the implementation (access tokens, service
 * keys, OIDC); the HTTP edge calls it for every route that declares it needs a caller.
 * Implementations are thread-safe.
 */
public interface Authenticator {
    /** The header through which a service key names the user it acts for. */
    String ON_BEHALF_OF_HEADER = "X-Coffer-User";

    Authentication authenticate(String authorizationHeader, String onBehalfOfUser);
}
