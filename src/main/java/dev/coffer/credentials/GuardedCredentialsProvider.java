package dev.coffer.credentials;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Wraps the SDK provider that holds the secrets, and (1) refuses keys past their known expiry
 * before any AWS call, with a message {@code AwsErrors} turns into {@code expired_credentials};
 * (2) remembers when credentials last changed (a refresh) and the last refresh failure; (3) keeps
 * serving the last good credentials while they are still valid when a refresh fails.
 * Thread-safe.
 */
public final class GuardedCredentialsProvider implements AwsCredentialsProvider {
    /** The marker AwsErrors recognises. */
    public static final String EXPIRED_MARKER = dev.coffer.aws.AwsErrors.EXPIRED_CREDENTIALS_MARKER;

    private final AwsCredentialsProvider delegate;
    private final Optional<Instant> configuredExpiry;
    private final Clock clock;
    private final AtomicReference<AwsCredentials> last = new AtomicReference<>();
    private volatile Instant lastRefresh;
    private volatile String lastFailure;
    private volatile boolean servingCached;

    public GuardedCredentialsProvider(AwsCredentialsProvider delegate, Optional<Instant> configuredExpiry, Clock clock) {
        this.delegate = delegate;
        this.configuredExpiry = configuredExpiry;
        this.clock = clock;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        Instant now = clock.instant();
        if (configuredExpiry.isPresent() && !now.isBefore(configuredExpiry.get())) {
            throw SdkClientException.create(EXPIRED_MARKER + configuredExpiry.get());
        }
        AwsCredentials current;
        try {
            current = delegate.resolveCredentials();
        } catch (RuntimeException e) {
            lastFailure = e.getClass().getSimpleName();
            AwsCredentials cached = last.get();
            if (cached != null && cached.expirationTime().map(now::isBefore).orElse(false)) {
                servingCached = true;
                return cached;
            }
            throw e;
        }
        servingCached = false;
        AwsCredentials previous = last.getAndSet(current);
        if (previous == null || !previous.expirationTime().equals(current.expirationTime())
                || !previous.accessKeyId().equals(current.accessKeyId())) {
            lastRefresh = now;
        }
        Optional<Instant> expiry = current.expirationTime();
        if (expiry.isPresent() && !now.isBefore(expiry.get())) {
            throw SdkClientException.create(EXPIRED_MARKER + expiry.get());
        }
        return current;
    }

    /** The expiry of the credentials in use: configured, or the provider's own. */
    public Optional<Instant> expiry() {
        if (configuredExpiry.isPresent()) {
            return configuredExpiry;
        }
        AwsCredentials current = last.get();
        return current == null ? Optional.empty() : current.expirationTime();
    }

    public Optional<Instant> lastRefresh() {
        return Optional.ofNullable(lastRefresh);
    }

    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    public boolean servingCached() {
        return servingCached;
    }

    @Override
    public String toString() {
        return "GuardedCredentialsProvider[" + delegate.getClass().getSimpleName() + "]";
    }
}
