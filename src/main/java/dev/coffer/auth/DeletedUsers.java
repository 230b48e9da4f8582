package dev.coffer.auth;

import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which users are deleted, or being deleted, as authentication asks on every request: a deletion
 * marker in the auth table (written before the first byte of the user's data is removed, kept
 * after), with a short per-instance memory in front of it.
 *
 * <p>A deletion on this instance is refused from the next request on. Another instance learns of
 * it within {@link #REMEMBER_LIVE}: that is how long a "not deleted" answer is trusted before the
 * marker is read again. A "deleted" answer is final. Both memories are bounded and dropped whole
 * when full, which only costs extra reads. Thread-safe.
 */
final class DeletedUsers {
    /** How long another instance may still accept a deleted user's token. */
    static final Duration REMEMBER_LIVE = Duration.ofSeconds(10);
    private static final int MAX_REMEMBERED = 100_000;

    private final AccountStore store;
    private final Clock clock;
    private final ConcurrentHashMap<UserId, Instant> liveUntil = new ConcurrentHashMap<>();
    private final Set<UserId> deleted = ConcurrentHashMap.newKeySet();

    DeletedUsers(AccountStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    boolean isDeleted(UserId user) {
        if (deleted.contains(user)) {
            return true;
        }
        Instant now = clock.instant();
        Instant until = liveUntil.get(user);
        if (until != null && now.isBefore(until)) {
            return false;
        }
        if (store.deletionMarked(user)) {
            remember(deleted, user);
            liveUntil.remove(user);
            return true;
        }
        if (liveUntil.size() >= MAX_REMEMBERED) {
            liveUntil.clear();
        }
        liveUntil.put(user, now.plus(REMEMBER_LIVE));
        return false;
    }

    /** Marks {@code user} deleted, in the table and here; before any of their data is removed. */
    void markDeleted(UserId user) {
        store.markDeletion(user, clock.instant());
        remember(deleted, user);
        liveUntil.remove(user);
    }

    private static void remember(Set<UserId> set, UserId user) {
        if (set.size() >= MAX_REMEMBERED) {
            set.clear();
        }
        set.add(user);
    }
}
