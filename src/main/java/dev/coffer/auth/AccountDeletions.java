package dev.coffer.auth;

import dev.coffer.error.CofferException;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting an account, so that nothing of the user remains but the deletion marker. In order:
 * the marker (state {@code deleting}: from then on every token and service key naming the user
 * is refused) and an entry in the pending list, in one transaction; the users row and every
 * email item naming the user (no login finds the account); every session and refresh token; the
 * data of every {@link UserDataOwner} (records, files); then the marker's state {@code done} and
 * the pending entry removed, in one transaction.
 *
 * <p>Each step is idempotent and needs nothing the earlier steps removed, so a deletion that
 * failed half-way (a backend error, an object storage refused) is finished by running it again.
 * The user's own retry cannot do that (their token is refused from the first step), so
 * {@link #finishPending} does: it takes over every pending deletion not attempted for
 * {@link #TAKE_OVER_AFTER}, and the server runs it every {@code auth.deletion_sweep_interval}.
 * Thread-safe.
 */
public final class AccountDeletions {
    /** How long a begun deletion is left to the request that began it before a sweep takes it over. */
    public static final Duration TAKE_OVER_AFTER = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(AccountDeletions.class);

    private final AccountStore accounts;
    private final SessionStore sessions;
    private final AccountStanding standing;
    private final Supplier<List<UserDataOwner>> owners;
    private final Clock clock;
    private final Set<UserId> running = ConcurrentHashMap.newKeySet();

    AccountDeletions(AccountStore accounts, SessionStore sessions, AccountStanding standing, Supplier<List<UserDataOwner>> owners,
                     Clock clock) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.standing = standing;
        this.owners = owners;
        this.clock = clock;
    }

    /**
     * Deletes everything of {@code user}, or finishes an earlier attempt; does nothing when the
     * marker says done.
     *
     * @throws CofferException the first failure (a backend error); the marker stays, and a later
     *                         run (the sweep) finishes the deletion
     */
    void delete(UserId user) {
        running.add(user);
        try {
            if (accounts.deletionMarker(user).map(m -> m.state() == AccountStore.DeletionState.DONE).orElse(false)) {
                return;
            }
            // Marked first: from here on no token or service key can add data behind the deletion.
            standing.markDeleted(user);
            accounts.deleteIdentity(user);
            sessions.endAll(user);
            for (UserDataOwner owner : owners.get()) {
                owner.deleteAllFor(user);
            }
            accounts.finishDeletion(user, clock.instant());
        } finally {
            running.remove(user);
        }
    }

    /** What one sweep did: deletions finished, failed again (left for the next sweep), and left alone (too recent). */
    public record Sweep(int finished, int failed, int waiting) {
    }

    /**
     * Finishes every pending deletion last attempted at least {@link #TAKE_OVER_AFTER} ago (per
     * the injected clock) and not running in this process. One GetItem when nothing is pending.
     * A failure is logged and counted, and the next sweep tries again; this method throws only
     * when the pending list itself cannot be read.
     */
    public Sweep finishPending() {
        int finished = 0;
        int failed = 0;
        int waiting = 0;
        Instant now = clock.instant();
        for (UserId user : accounts.pendingDeletions()) {
            var marker = accounts.deletionMarker(user);
            if (marker.isEmpty() || marker.get().state() == AccountStore.DeletionState.DONE) {
                accounts.dropPending(user);
                continue;
            }
            if (running.contains(user) || marker.get().attemptedAt().plus(TAKE_OVER_AFTER).isAfter(now)) {
                waiting++;
                continue;
            }
            try {
                delete(user);
                finished++;
                LOG.info("finished the deletion of account {} begun at {}", user, marker.get().deletedAt());
            } catch (RuntimeException e) {
                failed++;
                LOG.warn("could not finish the deletion of account {} yet (the next sweep retries): {}", user,
                        e instanceof CofferException c ? c.oneLine() : e.toString());
            }
        }
        return new Sweep(finished, failed, waiting);
    }
}
