package dev.coffer.http;

import dev.coffer.identity.Caller;
import dev.coffer.support.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a route declares about who may call it, where the route is declared: open to anyone, only
 * to authenticated callers of the listed kinds, or only to a console admin. The HTTP edge enforces
 * it before the handler runs (401 without credentials, 403 for a caller of another kind or a
 * state-changing admin request without its CSRF token), so a handler cannot forget to. App tokens
 * and service keys never open an admin route, and an admin session never opens the app's routes.
 */
public sealed interface Access {
    /** Anyone may call: health, registration, login. */
    Open PUBLIC = new Open();
    /** Any authenticated caller: own account, service key on behalf of a user, external user. */
    Callers ANY_CALLER = new Callers(EnumSet.allOf(Caller.Kind.class));
    /** Only a console admin, by the session cookie (and the CSRF header on state-changing methods). */
    Admins ADMIN = new Admins();

    /** Only callers of these kinds. */
    static Callers only(Caller.Kind first, Caller.Kind... rest) {
        return new Callers(EnumSet.of(first, rest));
    }

    record Open() implements Access {
    }

    /**
     * Only whoever sends the operator's bearer token (Prometheus on {@code /metrics}); no user,
     * whatever their token, is let in. The edge answers 401 otherwise.
     */
    record OperatorToken(Secret token) implements Access {
        public OperatorToken {
            Objects.requireNonNull(token, "token");
        }

        /**
         * Whether {@code authorization} is {@code Bearer <the token>}. Compares SHA-256 digests in
         * constant time, so neither the content nor the length of the token leaks through timing.
         */
        public boolean admits(String authorization) {
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return false;
            }
            return MessageDigest.isEqual(sha256(authorization.substring(7).trim()), sha256(token.reveal()));
        }

        private static byte[] sha256(String value) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }

    record Admins() implements Access {
    }

    record Callers(Set<Caller.Kind> kinds) implements Access {
        public Callers {
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("a protected route admits at least one kind of caller");
            }
            kinds = Set.copyOf(kinds);
        }
    }
}
