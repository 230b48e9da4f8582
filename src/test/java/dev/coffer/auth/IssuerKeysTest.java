package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.TestIdentityProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JWKS cache against a real issuer on loopback, with the clock moved by hand and background
 * refreshes run in the calling thread: stale keys are refreshed (a revoked key stops working),
 * cached keys outlive an outage up to the maximum key age, and no key is remembered as unknown.
 */
class IssuerKeysTest {
    private TestIdentityProvider idp;
    private MutableClock clock;
    private IssuerKeys keys;

    @BeforeEach
    void start() {
        idp = TestIdentityProvider.start();
        clock = MutableClock.atNow();
        keys = new IssuerKeys(URI.create(idp.issuer() + "/jwks.json"), clock, IssuerKeys.Timing.DEFAULT, Runnable::run);
        assertThat(keys.refreshIfDue().current()).isTrue();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    private List<JWK> lookup(String keyId) throws Exception {
        return keys.get(new JWKSelector(new JWKMatcher.Builder().keyID(keyId).build()), null);
    }

    @Test
    void get_cachedKeyOlderThanRefreshInterval_servedThenRefreshed_revokedKeyGone() throws Exception {
        idp.rotate("key-2");
        idp.retire("key-1");
        clock.advance(Duration.ofMinutes(4));
        assertThat(lookup("key-1")).hasSize(1);
        assertThat(idp.jwksRequests()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        // Served from the cache while the (here: same-thread) refresh runs; gone after it.
        assertThat(lookup("key-1")).hasSize(1);
        assertThat(idp.jwksRequests()).isEqualTo(2);
        assertThat(lookup("key-1")).isEmpty();
        assertThat(lookup("key-2")).hasSize(1);
        assertThat(keys.status().keysCached()).isEqualTo(1);
    }

    @Test
    void get_outage_cachedKeyServedUpToMaxKeyAge_thenUnreachable() throws Exception {
        idp.failJwks(true);
        clock.advance(Duration.ofHours(23));
        assertThat(lookup("key-1")).hasSize(1);
        IssuerKeys.Status during = keys.status();
        assertThat(during.current()).isFalse();
        assertThat(during.keysCached()).isEqualTo(1);
        assertThat(during.lastFetch().orElseThrow().error()).contains("HTTP 500");

        clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> lookup("key-1")).isInstanceOf(IssuerKeys.Unreachable.class)
                .hasMessageContaining("HTTP 500");
        assertThat(keys.status().keysCached()).isZero();

        idp.failJwks(false);
        clock.advance(Duration.ofSeconds(1));
        assertThat(lookup("key-1")).hasSize(1);
        assertThat(keys.status().current()).isTrue();
    }

    @Test
    void get_unknownKeyId_fetchesAtMostOncePerSecond_neverRemembersItAsUnknown() throws Exception {
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            assertThat(lookup("not-yet-published")).isEmpty();
        }
        assertThat(idp.jwksRequests()).isEqualTo(2);
        idp.rotate("not-yet-published");
        assertThat(lookup("not-yet-published")).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(lookup("not-yet-published")).hasSize(1);
        assertThat(idp.jwksRequests()).isEqualTo(3);
    }

    @Test
    void refreshIfDue_issuerAnswers500_failureRecordedWithoutTheBody() {
        idp.failJwks(true);
        clock.advance(Duration.ofMinutes(5));
        IssuerKeys.Status status = keys.refreshIfDue();
        assertThat(status.current()).isFalse();
        assertThat(status.lastFetch().orElseThrow().error()).contains("HTTP 500");
        assertThat(status.lastFetch().orElseThrow().at()).isEqualTo(clock.instant());
        assertThat(status.fetchedAt()).contains(clock.instant().minus(Duration.ofMinutes(5)));
    }

    @Test
    void refreshIfDue_issuerSendsABodyThatNeverEnds_failsWithinTheFetchTimeoutAndKeepsTheKeys() {
        var quick = new IssuerKeys(URI.create(idp.issuer() + "/jwks.json"), clock,
                new IssuerKeys.Timing(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24), Duration.ofMillis(300)),
                Runnable::run);
        assertThat(quick.refreshIfDue().current()).isTrue();
        idp.hangJwks(true);
        clock.advance(Duration.ofMinutes(5));

        IssuerKeys.Status status = quick.refreshIfDue();
        assertThat(status.lastFetch().orElseThrow().error()).contains("no answer within 300 ms");
        assertThat(status.keysCached()).isEqualTo(1);
        idp.hangJwks(false);
    }

    @Test
    void refreshIfDue_keySetLargerThan1MiB_refused() {
        idp.serveJwksAs("{\"keys\":[]}" + " ".repeat(IssuerKeys.MAX_JWKS_BYTES));
        clock.advance(Duration.ofMinutes(5));
        assertThat(keys.refreshIfDue().lastFetch().orElseThrow().error()).contains("larger than 1048576 bytes");
        idp.serveJwksAs("{\"keys\":[]}");
        clock.advance(Duration.ofSeconds(1));
        assertThat(keys.refreshIfDue().lastFetch().orElseThrow().error()).contains("no keys in the key set");
        idp.serveJwksAs("not json");
        clock.advance(Duration.ofSeconds(1));
        assertThat(keys.refreshIfDue().lastFetch().orElseThrow().error()).contains("not a JSON Web Key Set");
        assertThat(keys.status().keysCached()).isEqualTo(1);
    }
}
