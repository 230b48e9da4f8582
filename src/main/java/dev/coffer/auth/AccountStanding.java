package dev.coffer.auth;

import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a user's credentials still count, as authentication asks on every request: one item per
 * user in the auth table ({@link AccountStore#standing}) holding the deletion marker, the
 * {@code disabled} flag and the user's session version, read through a short per-instance memory.
 *
 * <p>Every access token carries the session version it was issued under ({@link AccessTokens}).
 * Logout, a password change, a reused refresh token and {@link #revokeTokens} raise the version,
 * which refuses every access token issued before; deletion and {@link #setDisabled disabling}
 * refuse every token and every service key acting for the user.
 *
 * <p><b>The bound.</b> On the instance that revoked, the next request is refused. Another instance
 * trusts what it last read for {@link #REMEMBER}, so it refuses a revoked token at most that long
 * after the revocation was written (plus clock skew between the instances, which is not involved:
 * each instance measures the interval on its own clock). A "deleted" answer is final and kept.
 * The memory is bounded and dropped whole when full, which only costs extra reads. Thread-safe.
 */
final class AccountStanding {
    /** How long another instance may still accept a revoked token, a disabled or a deleted user's. */
    static final Duration REMEMBER = Duration.ofSeconds(10);
    private static final int MAX_REMEMBERED = 100_000;

    /** A user's standing as last read, and until when it is trusted. */
    private record Known(AccountStore.Standing standing, Instant until) {
    }

    private final AccountStore store;
    private final Clock clock;
    private final ConcurrentHashMap<UserId, Known> known = new ConcurrentHashMap<>();

    AccountStanding(AccountStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Why a credential for {@code user} issued under {@code sessionVersion} is refused, or empty
     * when it still counts. Service keys pass {@link Long#MAX_VALUE}: no logout revokes them, but
     * deletion and disabling do.
     */
    Optional<String> refusal(UserId user, long sessionVersion) {
        AccountStore.Standing standing = standing(user);
        if (standing.deleted()) {
            return Optional.of("the account was deleted");
        }
        if (standing.disabled()) {
            return Optional.of("the account is disabled");
        }
        if (sessionVersion < standing.sessionVersion()) {
            return Optional.of("the token was revoked (logout, password change or revocation)");
        }
        return Optional.empty();
    }

    boolean isDeleted(UserId user) {
        return standing(user).deleted();
    }

    /** The current standing (read now: login and refresh issue tokens under its version). */
    AccountStore.Standing current(UserId user) {
        AccountStore.Standing standing = store.standing(user);
        remember(user, standing);
        return standing;
    }

    /** Refuses every access token of {@code user} issued until now; returns the new session version. */
    long revokeTokens(UserId user) {
        AccountStore.Standing standing = store.revokeTokens(user);
        remember(user, standing);
        return standing.sessionVersion();
    }

    /**
     * Disables or enables {@code user}: while disabled, every token and service key acting for
     * the user is refused, and login and refresh too. The operator console's "disable" calls this.
     */
    void setDisabled(UserId user, boolean disabled) {
        remember(user, store.setDisabled(user, disabled));
    }

    /** Marks {@code user} deleted, in the table and here; before any of their data is removed. */
    void markDeleted(UserId user) {
        store.markDeletion(user, clock.instant());
        remember(user, new AccountStore.Standing(true, false, Long.MAX_VALUE));
    }

    private AccountStore.Standing standing(UserId user) {
        Known k = known.get(user);
        if (k != null && (k.standing().deleted() || clock.instant().isBefore(k.until()))) {
            return k.standing();
        }
        return current(user);
    }

    private void remember(UserId user, AccountStore.Standing standing) {
        if (known.size() >= MAX_REMEMBERED) {
            known.clear();
        }
        known.put(user, new Known(standing, clock.instant().plus(REMEMBER)));
    }
}
