package dev.coffer.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per email and per client address in fixed windows; past the limit, further
 * attempts are refused with the time until the window ends (429 + Retry-After), without checking
 * the password. In memory, per instance. Time comes from an injected clock.
 */
final class LoginLimiter {
    private record Window(Instant start, int failures) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final int maxPerEmail;
    private final int maxPerAddress;
    private final Duration window;
    private final Clock clock;

    LoginLimiter(int maxPerEmail, Duration window, Clock clock) {
        this.maxPerEmail = maxPerEmail;
        this.maxPerAddress = maxPerEmail * 4;
        this.window = window;
        this.clock = clock;
    }

    /** How long the caller must wait, if either key is over its limit. */
    Optional<Duration> blocked(String email, String address) {
        Instant now = clock.instant();
        return worst(wait("e:" + email, maxPerEmail, now), wait("a:" + address, maxPerAddress, now));
    }

    void failed(String email, String address) {
        Instant now = clock.instant();
        bump("e:" + email, now);
        bump("a:" + address, now);
        if (windows.size() > 100_000) {
            windows.entrySet().removeIf(e -> !now.isBefore(e.getValue().start().plus(window)));
        }
    }

    void succeeded(String email) {
        windows.remove("e:" + email);
    }

    private void bump(String key, Instant now) {
        windows.compute(key, (k, w) -> w == null || !now.isBefore(w.start().plus(window))
                ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }

    private Optional<Duration> wait(String key, int max, Instant now) {
        Window w = windows.get(key);
        if (w == null || !now.isBefore(w.start().plus(window)) || w.failures() < max) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, w.start().plus(window)));
    }

    private static Optional<Duration> worst(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().compareTo(b.get()) >= 0 ? a : b;
    }
}
