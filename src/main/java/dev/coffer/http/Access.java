package dev.coffer.http;

import dev.coffer.identity.Caller;
import java.util.EnumSet;
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
