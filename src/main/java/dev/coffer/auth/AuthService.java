package dev.coffer.auth;

import dev.coffer.config.AuthConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Accounts and sessions: registration, login with equal work for unknown emails and wrong
 * passwords, refresh-token rotation with reuse detection, logout, profile, password change and
 * account deletion ({@link AccountDeletions}). Thread-safe.
 */
final class AuthService {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What login and refresh hand out. */
    record Tokens(String accessToken, String refreshToken, long expiresIn) {
    }

    private final AccountStore store;
    private final SessionStore sessions;
    private final AccountDeletions deletions;
    private final AccountStanding standing;
    private final PasswordHasher hasher;
    private final AccessTokens accessTokens;
    private final LoginLimiter limiter;
    private final AuthConfig config;
    private final Clock clock;
    private final java.util.concurrent.CompletableFuture<String> dummyHash;

    AuthService(AccountStore store, SessionStore sessions, AccountDeletions deletions, AccountStanding standing, PasswordHasher hasher,
                AccessTokens accessTokens, AuthConfig config, Clock clock) {
        this.store = store;
        this.standing = standing;
        this.sessions = sessions;
        this.deletions = deletions;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.config = config;
        this.clock = clock;
        this.limiter = store.loginLimiter(LoginLimiter.USERS, config.loginMaxFailures(), config.loginFailureWindow(), clock);
        // Verified against when the email is unknown, so both failures cost one hash. Made beside start-up, not in
        // it: one argon2id hash on a JVM whose JIT has not compiled it yet is most of a second of start-up's CPU.
        // A login with an unknown email in the first moment waits for it.
        this.dummyHash = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> hasher.hash("coffer-dummy-password-" + UUID.randomUUID()),
                work -> Thread.ofPlatform().daemon().name("coffer-dummy-hash").start(work));
    }

    /** Done once the dummy hash is made: the start-up work this service does in the background. */
    java.util.concurrent.CompletableFuture<Void> backgroundStart() {
        return dummyHash.handle((hash, failed) -> null);
    }

    Account register(String rawEmail, String password, String fullName) {
        EmailAddress email = EmailAddress.parse(rawEmail);
        checkPassword(password);
        String name = checkName(fullName);
        // The same address typed the same way as an account registered before keys were
        // case-insensitive (which has no item under the new key until its first login).
        if (!email.legacyKey().equals(email.key()) && store.emailTaken(email.legacyKey())) {
            throw emailTaken();
        }
        var account = new Account(new UserId(UUID.randomUUID().toString()), email.typed(), name, hasher.hash(password), now(), 0);
        if (!store.create(account, email.key())) {
            throw emailTaken();
        }
        return account;
    }

    Tokens login(String rawEmail, String password, String clientAddress) {
        // The same rule as registration: an address no account can have is a 400 naming the field.
        EmailAddress email = EmailAddress.parse(rawEmail);
        Optional<Duration> wait = limiter.blocked(email.key(), clientAddress);
        if (wait.isPresent()) {
            throw new CofferException(ErrorCode.RATE_LIMITED, "too many failed logins; try again later", null,
                    wait.get().plusSeconds(1), null);
        }
        // The same reads whether the address is known, unknown or old-style (AccountStore.byEmail),
        // and one hash verification either way.
        AccountStore.Match match = store.byEmail(email);
        Optional<Account> account = match.account();
        boolean valid = hasher.verify(password == null ? "" : password, account.map(Account::passwordHash).orElseGet(dummyHash::join))
                && account.isPresent();
        if (!valid) {
            limiter.failed(email.key(), clientAddress);
            throw invalidLogin();
        }
        limiter.succeeded(email.key());
        AccountStore.Standing current = standing.current(account.get().userId());
        if (current.disabled()) {
            throw new CofferException(ErrorCode.UNAUTHORIZED, "the account is disabled");
        }
        if (match.unclaimed()) {
            store.claimEmailKey(account.get().userId(), email.key());
        }
        return issue(account.get().userId(), UUID.randomUUID().toString(), current.sessionVersion());
    }

    Tokens refresh(String refreshToken) {
        Valid valid = validSession(refreshToken);
        SessionStore.Session session = valid.session();
        NewSession next = newSession(session.userId(), session.family());
        switch (sessions.rotate(session, valid.family(), next.session())) {
            case ROTATED -> {
                return new Tokens(accessTokens.issue(session.userId(), valid.sessionVersion()), next.token(),
                        accessTokens.ttl().toSeconds());
            }
            case REUSED -> {
                // Two uses of one token: one of them is a thief. End the whole family, and the
                // access tokens already handed out.
                sessions.revoke(valid.family(), session.expiresAtSeconds());
                standing.revokeTokens(session.userId());
                throw invalidSession();
            }
            default -> throw invalidSession();
        }
    }

    void logout(String refreshToken) {
        if (refreshToken == null || refreshToken.length() > 512) {
            return;
        }
        sessions.session(AccountStore.sha256(refreshToken)).ifPresent(s -> {
            sessions.revoke(sessions.family(s.family()), s.expiresAtSeconds());
            // Access tokens name no session: ending this one's ends every access token of the
            // user (other sessions get a new one with their refresh token, on their next 401).
            standing.revokeTokens(s.userId());
        });
    }

    Account me(UserId userId) {
        return store.byId(userId).orElseThrow(() -> new CofferException(ErrorCode.NOT_FOUND, "the account no longer exists"));
    }

    Account rename(UserId userId, String fullName) {
        store.updateName(userId, checkName(fullName), now());
        return me(userId);
    }

    /** Checks the old password, stores the new one, ends every other session, and starts a new one. */
    Tokens changePassword(UserId userId, String oldPassword, String newPassword) {
        Account account = me(userId);
        if (!hasher.verify(oldPassword == null ? "" : oldPassword, account.passwordHash())) {
            throw new CofferException(ErrorCode.UNAUTHORIZED, "the current password is wrong");
        }
        checkPassword(newPassword);
        long cutoff = clock.millis();
        store.updatePassword(userId, hasher.hash(newPassword), cutoff, now());
        long version = standing.revokeTokens(userId);
        return issue(userId, UUID.randomUUID().toString(), version);
    }

    /** Deletes the account and everything of the user; see {@link AccountDeletions} (resumable, idempotent). */
    void deleteAccount(UserId userId) {
        deletions.delete(userId);
    }

    private record Valid(SessionStore.Session session, SessionStore.Family family, long sessionVersion) {
    }

    private Valid validSession(String refreshToken) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 512) {
            throw invalidSession();
        }
        SessionStore.Session session = sessions.session(AccountStore.sha256(refreshToken)).orElseThrow(AuthService::invalidSession);
        SessionStore.Family family = sessions.family(session.family());
        if (session.used()) {
            sessions.revoke(family, session.expiresAtSeconds());
            standing.revokeTokens(session.userId());
            throw invalidSession();
        }
        if (clock.instant().getEpochSecond() >= session.expiresAtSeconds() || family.revoked()) {
            throw invalidSession();
        }
        Account account = store.byId(session.userId()).orElseThrow(AuthService::invalidSession);
        if (session.issuedAtMillis() < account.sessionsValidAfterMillis()) {
            throw invalidSession();
        }
        AccountStore.Standing current = standing.current(session.userId());
        if (current.disabled() || current.deleted()) {
            throw invalidSession();
        }
        return new Valid(session, family, current.sessionVersion());
    }

    private record NewSession(String token, SessionStore.Session session) {
    }

    private NewSession newSession(UserId userId, String family) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = "rt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        long now = clock.millis();
        long expires = Instant.ofEpochMilli(now).plus(config.refreshTokenTtl()).getEpochSecond();
        return new NewSession(token, new SessionStore.Session(AccountStore.sha256(token), userId, family, now, expires, false));
    }

    private Tokens issue(UserId userId, String family, long sessionVersion) {
        NewSession session = newSession(userId, family);
        sessions.start(session.session(), clock.instant().getEpochSecond());
        return new Tokens(accessTokens.issue(userId, sessionVersion), session.token(), accessTokens.ttl().toSeconds());
    }

    private void checkPassword(String password) {
        PasswordPolicy.check(password, config);
    }

    private String checkName(String fullName) {
        String name = fullName == null ? "" : fullName.trim();
        if (name.codePointCount(0, name.length()) > config.fullNameMaxLength() || name.chars().anyMatch(Character::isISOControl)) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'full_name' must be at most " + config.fullNameMaxLength()
                    + " characters without control characters");
        }
        return name;
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static CofferException emailTaken() {
        return new CofferException(ErrorCode.CONFLICT, "an account with this email exists already");
    }

    private static CofferException invalidLogin() {
        return new CofferException(ErrorCode.UNAUTHORIZED, "wrong email or password");
    }

    private static CofferException invalidSession() {
        return new CofferException(ErrorCode.UNAUTHORIZED, "the refresh token is not valid; log in again");
    }
}
