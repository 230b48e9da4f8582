package dev.coffer.auth;

import dev.coffer.config.AuthConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Accounts and sessions: registration, login with equal work for unknown emails and wrong
 * passwords, refresh-token rotation with reuse detection, logout, profile, password change and
 * account deletion (every {@link UserDataOwner} first). Thread-safe.
 */
final class AuthService {
    private static final Pattern EMAIL = Pattern.compile("[^\\s@\\p{Cntrl}]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What login and refresh hand out. */
    record Tokens(String accessToken, String refreshToken, long expiresIn) {
    }

    private final AccountStore store;
    private final DeletedUsers deletedUsers;
    private final PasswordHasher hasher;
    private final AccessTokens accessTokens;
    private final LoginLimiter limiter;
    private final AuthConfig config;
    private final java.util.function.Supplier<List<UserDataOwner>> owners;
    private final Clock clock;
    private final String dummyHash;

    AuthService(AccountStore store, DeletedUsers deletedUsers, PasswordHasher hasher, AccessTokens accessTokens, AuthConfig config,
                java.util.function.Supplier<List<UserDataOwner>> owners, Clock clock) {
        this.store = store;
        this.deletedUsers = deletedUsers;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.config = config;
        this.owners = owners;
        this.clock = clock;
        this.limiter = new LoginLimiter(config.loginMaxFailures(), config.loginFailureWindow(), clock);
        // Verified against when the email is unknown, so both failures cost one hash.
        this.dummyHash = hasher.hash("coffer-dummy-password-" + UUID.randomUUID());
    }

    Account register(String rawEmail, String password, String fullName) {
        String email = normaliseEmail(rawEmail);
        checkPassword(password);
        String name = checkName(fullName);
        String now = now();
        var account = new Account(new UserId(UUID.randomUUID().toString()), email, name, hasher.hash(password), now, 0);
        if (!store.create(account)) {
            throw new CofferException(ErrorCode.CONFLICT, "an account with this email exists already");
        }
        return account;
    }

    Tokens login(String rawEmail, String password, String clientAddress) {
        // The same validation as register: an address no account can have is a 400 naming the
        // field, and never reaches the users table (an over-long one would exceed its key limit).
        String email = normaliseEmail(rawEmail);
        Optional<Duration> wait = limiter.blocked(email, clientAddress);
        if (wait.isPresent()) {
            throw new CofferException(ErrorCode.RATE_LIMITED, "too many failed logins; try again later", null,
                    wait.get().plusSeconds(1), null);
        }
        Optional<Account> account = store.byEmail(email);
        boolean valid = hasher.verify(password == null ? "" : password, account.map(Account::passwordHash).orElse(dummyHash))
                && account.isPresent();
        if (!valid) {
            limiter.failed(email, clientAddress);
            throw invalidLogin();
        }
        limiter.succeeded(email);
        return issue(account.get().userId(), UUID.randomUUID().toString());
    }

    Tokens refresh(String refreshToken) {
        AccountStore.Session session = validSession(refreshToken);
        NewSession next = newSession(session.userId(), session.family());
        if (!store.rotate(session, next.session())) {
            // Two uses of one token: one of them is a thief. End the whole family.
            store.revokeFamily(session.family(), session.expiresAtSeconds());
            throw invalidSession();
        }
        return new Tokens(accessTokens.issue(session.userId()), next.token(), accessTokens.ttl().toSeconds());
    }

    void logout(String refreshToken) {
        if (refreshToken == null || refreshToken.length() > 512) {
            return;
        }
        store.session(AccountStore.sha256(refreshToken)).ifPresent(s -> store.revokeFamily(s.family(), s.expiresAtSeconds()));
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
        return issue(userId, UUID.randomUUID().toString());
    }

    void deleteAccount(UserId userId) {
        Account account = me(userId);
        // Marked first: from here on no token or service key can add data behind the deletion.
        deletedUsers.markDeleted(userId);
        for (UserDataOwner owner : owners.get()) {
            owner.deleteAllFor(userId);
        }
        store.delete(account);
    }

    private AccountStore.Session validSession(String refreshToken) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 512) {
            throw invalidSession();
        }
        AccountStore.Session session = store.session(AccountStore.sha256(refreshToken)).orElseThrow(AuthService::invalidSession);
        if (session.used()) {
            store.revokeFamily(session.family(), session.expiresAtSeconds());
            throw invalidSession();
        }
        if (clock.instant().getEpochSecond() >= session.expiresAtSeconds() || store.familyRevoked(session.family())) {
            throw invalidSession();
        }
        Account account = store.byId(session.userId()).orElseThrow(AuthService::invalidSession);
        if (session.issuedAtMillis() < account.sessionsValidAfterMillis()) {
            throw invalidSession();
        }
        return session;
    }

    private record NewSession(String token, AccountStore.Session session) {
    }

    private NewSession newSession(UserId userId, String family) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = "rt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        long now = clock.millis();
        long expires = Instant.ofEpochMilli(now).plus(config.refreshTokenTtl()).getEpochSecond();
        return new NewSession(token, new AccountStore.Session(AccountStore.sha256(token), userId, family, now, expires, false));
    }

    private Tokens issue(UserId userId, String family) {
        NewSession session = newSession(userId, family);
        store.putSession(session.session());
        return new Tokens(accessTokens.issue(userId), session.token(), accessTokens.ttl().toSeconds());
    }

    String normaliseEmail(String raw) {
        if (raw == null) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'email' is required");
        }
        String email = normaliseQuietly(raw);
        if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'email' is not a valid email address");
        }
        return email;
    }

    private static String normaliseQuietly(String raw) {
        String trimmed = raw.trim();
        int at = trimmed.lastIndexOf('@');
        return at < 0 ? trimmed : trimmed.substring(0, at) + "@" + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private void checkPassword(String password) {
        if (password == null) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'password' is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < config.passwordMinLength() || length > config.passwordMaxLength()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'password' must be " + config.passwordMinLength() + " to "
                    + config.passwordMaxLength() + " characters");
        }
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

    private static CofferException invalidLogin() {
        return new CofferException(ErrorCode.UNAUTHORIZED, "wrong email or password");
    }

    private static CofferException invalidSession() {
        return new CofferException(ErrorCode.UNAUTHORIZED, "the refresh token is not valid; log in again");
    }
}
