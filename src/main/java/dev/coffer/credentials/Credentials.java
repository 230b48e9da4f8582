package dev.coffer.credentials;

import dev.coffer.aws.AwsClients;
import dev.coffer.aws.AwsErrors;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.credentials.CredentialSource.Found;
import dev.coffer.credentials.IdentityCheck.Identity;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.health.HealthReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Coffer's AWS credentials while it runs: the one entry point from configuration to a provider,
 * used by {@code serve} and by every operator command alike. {@link #start} picks the source the
 * mode names ({@link SourceChain}), checks it with STS when the configuration asks for it (and
 * the account pin), and logs what it found; {@link #provider()} is what every SDK client holds;
 * {@link #reload} swaps in newly configured credentials (SIGHUP) once checked; {@link #health()}
 * reports expiry and refresh failures.
 *
 * <p>Owns one STS client (and its HTTP client) for identity checks, web identity and
 * assume-role, built once against AWS (none on the embedded default) and kept across reloads;
 * {@link #close()} closes it and the current source. Thread-safe.
 */
public final class Credentials implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

    /** Whether {@link #open} checks the credentials with STS itself or leaves that to the caller. */
    public enum Verification {
        /** As configured: with STS in remote mode unless {@code aws.validate_credentials=false}; refusals throw. */
        AS_CONFIGURED,
        /** Not at all: the caller reports the check as it sees fit ({@code coffer doctor}). */
        BY_CALLER
    }

    /** The credentials in use and what their source opened. */
    private record Active(ResolvedCredentials resolved, Found found) {
    }

    /** Empty on the embedded default: no source there talks to STS, and there is no identity to ask about. */
    private final Optional<SdkHttpClient> http;
    private final Optional<StsClient> sts;
    private final SwappableCredentialsProvider provider;
    private final AtomicReference<Active> active;
    private final Duration warning;
    private final Clock clock;
    private volatile Optional<Identity> identity = Optional.empty();

    private Credentials(Optional<SdkHttpClient> http, Optional<StsClient> sts, Active initial, Duration warning, Clock clock) {
        this.http = http;
        this.sts = sts;
        this.provider = new SwappableCredentialsProvider(initial.resolved().provider());
        this.active = new AtomicReference<>(initial);
        this.warning = warning;
        this.clock = clock;
    }

    /** The credentials of {@code config}, checked as configured, over HTTP clients from {@code http}. */
    public static Credentials start(CofferConfig config, Clock clock, SdkHttpClients http) {
        return open(config, clock, http, Verification.AS_CONFIGURED);
    }

    /**
     * The credentials of {@code config}: resolved (refusing keys past their stated expiry and
     * mixed signals), then checked as {@code verification} says.
     *
     * @throws CofferException when none are found, they are refused, or the check fails
     */
    public static Credentials open(CofferConfig config, Clock clock, SdkHttpClients http, Verification verification) {
        // Not built for the embedded default: it keeps local start-up free of an STS client nobody calls.
        Optional<SdkHttpClient> httpClient = config.local() ? Optional.empty() : Optional.of(http.create());
        Optional<StsClient> sts = httpClient.map(client -> AwsClients.sts(config.aws(), client));
        Credentials credentials;
        try {
            credentials = new Credentials(httpClient, sts, resolve(config.aws().credentials(), sts.orElse(null), clock),
                    config.aws().credentials().expiryWarning(), clock);
        } catch (RuntimeException e) {
            sts.ifPresent(StsClient::close);
            httpClient.ifPresent(SdkHttpClient::close);
            throw e;
        }
        try {
            String checked = verification == Verification.AS_CONFIGURED ? credentials.verifyAsConfigured(config) : "";
            credentials.log("credentials:", checked);
            return credentials;
        } catch (RuntimeException e) {
            credentials.close();
            throw e;
        }
    }

    /** {@code sts} is null only on the embedded default, whose one source never uses it. */
    private static Active resolve(CredentialsConfig config, StsClient sts, Clock clock) {
        Found found = SourceChain.find(config, sts, clock);
        var guard = new GuardedCredentialsProvider(found.provider(), found.configuredExpiry(), clock);
        try {
            // Loaded now, not at the first request: a source that cannot deliver fails start-up.
            String keyId = guard.resolveCredentials().accessKeyId();
            return new Active(new ResolvedCredentials(found.mode(), found.source(), guard, keyId), found);
        } catch (RuntimeException e) {
            found.close();
            if (e instanceof CofferException coffer) {
                throw coffer;
            }
            throw AwsErrors.translate(e instanceof SdkException sdk ? sdk : SdkClientException.create(String.valueOf(e.getMessage()), e),
                    "loading " + found.source() + " credentials");
        }
    }

    /** The STS check when the configuration asks for it; returns what the start-up line says about the account. */
    private String verifyAsConfigured(CofferConfig config) {
        if (config.local()) {
            return "";
        }
        if (!config.aws().credentials().validate()) {
            return " account=unchecked (aws.validate_credentials=false)";
        }
        Identity who = verifyIdentity(config.aws().expectedAccountId());
        return " account=" + who.account() + " arn=" + who.arn();
    }

    private void log(String what, String identityText) {
        ResolvedCredentials c = current();
        LOG.info("{} mode={} source={} key={}{}{}", what, c.mode(), c.source(), c.maskedAccessKeyId(), identityText,
                c.expiration().map(e -> " expires=" + e + " (" + Duration.between(clock.instant(), e).toMinutes() + " min left)")
                        .orElse(""));
    }

    /** What every SDK client holds: always the current credentials, also after a reload. */
    public AwsCredentialsProvider provider() {
        return provider;
    }

    public ResolvedCredentials current() {
        return active.get().resolved();
    }

    /** The identity last checked with STS (at start or reload), when it was. */
    public Optional<Identity> identity() {
        return identity;
    }

    /**
     * Asks STS now who the current credentials are, without the account pin (doctor reports the
     * pin as a check of its own).
     */
    public Identity checkIdentity() {
        Identity who = identityCheck().ask(current().provider());
        identity = Optional.of(who);
        return who;
    }

    /** Asks STS now and refuses another account than {@code expectedAccount}. */
    public Identity verifyIdentity(Optional<String> expectedAccount) {
        Identity who = identityCheck().ask(current().provider());
        IdentityCheck.requirePinned(expectedAccount, who);
        identity = Optional.of(who);
        return who;
    }

    private IdentityCheck identityCheck() {
        return new IdentityCheck(sts.orElseThrow(() -> new CofferException(ErrorCode.NO_CREDENTIALS,
                "the embedded default uses local keys and has no AWS identity", "configure AWS credentials to check them")));
    }

    /**
     * Resolves credentials from {@code config} again (the .env file may have new keys), checks
     * them with STS when the configuration asks for it, and only then swaps them in and releases
     * the old source. On failure the old credentials stay and the failure is thrown. Endpoints and
     * region are those of start-up: the reload is about credentials.
     */
    public synchronized ResolvedCredentials reload(CofferConfig config) {
        Active next = resolve(config.aws().credentials(), sts.orElse(null), clock);
        String checked;
        try {
            checked = "";
            if (!config.local() && config.aws().credentials().validate()) {
                Identity who = identityCheck().ask(next.resolved().provider());
                IdentityCheck.requirePinned(config.aws().expectedAccountId(), who);
                identity = Optional.of(who);
                checked = " account=" + who.account() + " arn=" + who.arn();
            }
        } catch (RuntimeException e) {
            next.found().close();
            throw e;
        }
        provider.swap(next.resolved().provider());
        Active previous = active.getAndSet(next);
        previous.found().close();
        log("credentials reloaded:", checked);
        return next.resolved();
    }

    public HealthReport.CredentialsHealth health() {
        ResolvedCredentials credentials = current();
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
        return new HealthReport.CredentialsHealth(credentials.mode().label(), credentials.source(), status,
                credentials.maskedAccessKeyId(), expiresAt, secondsLeft,
                guard.lastRefresh().map(Instant::toString).orElse(null), guard.lastFailure().orElse(null));
    }

    @Override
    public void close() {
        try {
            active.get().found().close();
        } finally {
            try {
                sts.ifPresent(StsClient::close);
            } finally {
                http.ifPresent(SdkHttpClient::close);
            }
        }
    }
}
