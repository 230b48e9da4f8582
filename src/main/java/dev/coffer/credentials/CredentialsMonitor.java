package dev.coffer.credentials;

import dev.coffer.config.CofferConfig;
import dev.coffer.health.HealthReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The credentials in use while Coffer runs: what /health reports about them (status
 * {@code valid}, {@code expiring} inside the warning window, {@code expired} after), and the
 * reload that swaps in new ones (SIGHUP) after checking them, atomically for every client.
 */
public final class CredentialsMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialsMonitor.class);

    private final AtomicReference<ResolvedCredentials> current;
    private final SwappableCredentialsProvider provider;
    private final Duration warning;
    private final Clock clock;

    public CredentialsMonitor(ResolvedCredentials initial, Duration warning, Clock clock) {
        this.current = new AtomicReference<>(initial);
        this.provider = new SwappableCredentialsProvider(initial.provider());
        this.warning = warning;
        this.clock = clock;
    }

    /** What every SDK client holds. */
    public AwsCredentialsProvider provider() {
        return provider;
    }

    public ResolvedCredentials current() {
        return current.get();
    }

    /**
     * Resolves credentials from {@code config} again (the .env file may have new keys), checks them
     * with STS when the configuration asks for it, and only then swaps them in. On failure the old
     * credentials stay and the failure is returned to the caller.
     */
    public synchronized ResolvedCredentials reload(CofferConfig config) {
        ResolvedCredentials next = CredentialsResolver.resolve(config, clock);
        if (!config.local() && config.aws().credentials().validate()) {
            IdentityCheck.verify(config, next);
        }
        provider.swap(next.provider());
        current.set(next);
        LOG.info("credentials reloaded: mode={} source={} key={}", next.mode(), next.source(), next.maskedAccessKeyId());
        return next;
    }

    public HealthReport.CredentialsHealth health() {
        ResolvedCredentials credentials = current.get();
        GuardedCredentialsProvider guard = credentials.guard();
        String status = guard.servingCached() ? "refresh_failed" : "valid";
        Long secondsLeft = null;
        String expiresAt = null;
        if (credentials.expiration().isPresent()) {
            Instant expiry = credentials.expiration().get();
            Duration left = Duration.between(clock.instant(), expiry);
            secondsLeft = Math.max(0, left.toSeconds());
            expiresAt = expiry.toString();
            if (!left.isPositive()) {
                status = "expired";
            } else if (left.compareTo(warning) <= 0) {
                status = "expiring";
            }
        }
        return new HealthReport.CredentialsHealth(credentials.mode(), credentials.source(), status,
                credentials.maskedAccessKeyId(), expiresAt, secondsLeft,
                guard.lastRefresh().map(Instant::toString).orElse(null), guard.lastFailure().orElse(null));
    }
}
