package dev.coffer.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, after authentication: the user whose data the request may touch, and how they
 * proved it. Records and files scope every operation to {@link #userId()}; nothing else decides
 * which partition or prefix a request reaches. Protected routes receive a {@code Caller} from the
 * HTTP edge (see {@code http.Access}); no handler authenticates by itself.
 *
 * @param external for {@link Kind#EXTERNAL} callers, the issuer and subject the id was derived from
 */
public record Caller(UserId userId, Kind kind, Optional<ExternalSubject> external) {
    /** How the caller authenticated. */
    public enum Kind {
        /** Coffer's own access token (JWT, HS256): a Coffer account. */
        ACCOUNT,
        /** A back end's service key, acting for the user named in {@code X-Coffer-User}. */
        SERVICE,
        /** An access token of the configured external OIDC issuer (e.g. Cognito). */
        EXTERNAL
    }

    /** The external identity behind an {@link Kind#EXTERNAL} caller, kept visible to the app. */
    public record ExternalSubject(String issuer, String subject) {
        public ExternalSubject {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(subject, "subject");
        }
    }

    public Caller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(external, "external");
        if (external.isPresent() != (kind == Kind.EXTERNAL)) {
            throw new IllegalArgumentException("only external callers carry an external subject");
        }
    }

    public static Caller account(UserId id) {
        return new Caller(id, Kind.ACCOUNT, Optional.empty());
    }

    public static Caller service(UserId id) {
        return new Caller(id, Kind.SERVICE, Optional.empty());
    }

    /** An external issuer's user, under the id derived from issuer and subject ({@link UserId#external}). */
    public static Caller external(String issuer, String subject) {
        return new Caller(UserId.external(issuer, subject), Kind.EXTERNAL,
                Optional.of(new ExternalSubject(issuer, subject)));
    }
}
