package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.ErrorCode;
import dev.coffer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Refreshable sources: last refresh recorded, cached credentials served (and reported) when a refresh fails. */
class GuardedCredentialsProviderTest {
    private static AwsCredentials session(String key, Instant expiry) {
        return AwsSessionCredentials.builder().accessKeyId(key).secretAccessKey("s").sessionToken("t").expirationTime(expiry).build();
    }

    @Test
    void refreshFails_lastGoodStillValid_servedAndReported_thenExpiredRefused() {
        MutableClock clock = MutableClock.atNow();
        AtomicReference<Object> next = new AtomicReference<>(session("ASIAFIRST00000000001", clock.instant().plus(Duration.ofMinutes(60))));
        AwsCredentialsProvider delegate = () -> {
            if (next.get() instanceof RuntimeException e) {
                throw e;
            }
            return (AwsCredentials) next.get();
        };
        var guard = new GuardedCredentialsProvider(delegate, Optional.empty(), clock);

        assertThat(guard.resolveCredentials().accessKeyId()).isEqualTo("ASIAFIRST00000000001");
        assertThat(guard.lastRefresh()).contains(clock.instant());
        assertThat(guard.expiry()).contains(clock.instant().plus(Duration.ofMinutes(60)));

        clock.advance(Duration.ofMinutes(10));
        next.set(session("ASIASECOND0000000001", clock.instant().plus(Duration.ofMinutes(60))));
        guard.resolveCredentials();
        assertThat(guard.lastRefresh()).contains(clock.instant());

        next.set(SdkClientException.create("metadata service unreachable"));
        assertThat(guard.resolveCredentials().accessKeyId()).isEqualTo("ASIASECOND0000000001");
        assertThat(guard.servingCached()).isTrue();
        assertThat(guard.lastFailure()).contains("SdkClientException");

        clock.advance(Duration.ofMinutes(61));
        assertThatThrownBy(guard::resolveCredentials).isInstanceOf(SdkClientException.class);
    }

    @Test
    void configuredExpiryPassed_refusedWithMarkerThatTranslatesToExpiredCredentials() {
        MutableClock clock = MutableClock.atNow();
        Instant expiry = clock.instant().plusSeconds(5);
        var guard = new GuardedCredentialsProvider(() -> session("ASIAKEY0000000000001", expiry), Optional.of(expiry), clock);
        guard.resolveCredentials();
        clock.advance(Duration.ofSeconds(6));

        SdkException refused = (SdkException) org.assertj.core.api.Assertions.catchThrowable(guard::resolveCredentials);

        var translated = AwsErrors.translate(refused, "PutItem on t");
        assertThat(translated.code()).isEqualTo(ErrorCode.EXPIRED_CREDENTIALS);
        assertThat(translated.detail()).isEqualTo("PutItem on t: the AWS credentials expired at " + expiry);
    }
}
