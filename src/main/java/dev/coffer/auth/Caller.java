package dev.coffer.auth;

import java.util.Objects;

/**
 * Who is calling, after authentication: the user whose data the request may touch, and how they
 * proved it. Records and files scope every operation to {@link #userId()}; nothing else decides
 * which partition or prefix a request reaches.
 */
public record Caller(String userId, Kind kind) {
    /** How the caller authenticated. */
    public enum Kind {
        /** Coffer's own access token (JWT, HS256). */
        ACCESS_TOKEN,
        /** A back end's service key, acting for the user named in {@code X-Coffer-User}. */
        SERVICE_KEY,
        /** A token from an external OIDC issuer (e.g. Cognito); the user id is its {@code sub}. */
        OIDC
    }

    public Caller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(kind, "kind");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId must not be blank");
        }
    }
}
