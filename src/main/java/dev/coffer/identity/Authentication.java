package dev.coffer.identity;

import java.time.Duration;
import java.util.Objects;

/** The outcome of authenticating one request; the HTTP edge renders each case. */
public sealed interface Authentication {
    /** The request proved who it comes from. */
    record Verified(Caller caller) implements Authentication {
        public Verified {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /**
     * No acceptable credentials: none sent, or a token that is not exactly right (401). The reason
     * is for the log only; every refusal looks the same to the client.
     */
    record Refused(String reason) implements Authentication {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Valid credentials naming a user in a way that is not allowed, e.g. a service key whose
     * {@code X-Coffer-User} is not a valid {@link UserId} (400, naming the header).
     */
    record Invalid(String field, String reason) implements Authentication {
        public Invalid {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The token could not be checked because the identity provider is unreachable (503). */
    record Unavailable(String reason, Duration retryAfter) implements Authentication {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
