package dev.coffer.identity;

/**
 * A piece that keeps data belonging to users (records, files). When an account is deleted, auth
 * calls {@link #deleteAllFor} on every owner before removing the user, so nothing of the user
 * remains. Implementations must be idempotent: a retried deletion finishes what a failed one began.
 */
public interface UserDataOwner {
    /** Deletes everything this piece keeps for {@code userId}. */
    void deleteAllFor(UserId userId);
}
