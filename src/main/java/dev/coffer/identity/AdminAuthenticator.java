package dev.coffer.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * Decides which admin a console session cookie belongs to. The auth piece owns the
 * implementation (sessions in the auth table); the HTTP edge calls it for every admin route and
 * checks the session's CSRF token itself. Implementations are thread-safe.
 */
public interface AdminAuthenticator {
    /** A server that has no console: every session is refused. */
    AdminAuthenticator NONE = token -> Optional.empty();

    /** The live session named by {@code sessionToken} (the cookie's value), or empty. */
    Optional<AdminSession> session(String sessionToken);

    /**
     * A live console session: who it belongs to, and the token every state-changing request of
     * the session must repeat in a header (cross-site requests carry the cookie, never this).
     */
    record AdminSession(Admin admin, String csrfToken) {
        public AdminSession {
            Objects.requireNonNull(admin, "admin");
            Objects.requireNonNull(csrfToken, "csrfToken");
        }
    }
}
