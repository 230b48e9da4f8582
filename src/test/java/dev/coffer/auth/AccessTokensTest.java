package dev.coffer.auth;

import dev.coffer.identity.UserId;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.support.Secret;
import dev.coffer.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The remembered outcome of a verification must not widen what is accepted: the same token is
 * refused once its time is up, and a token differing in one character is verified in full.
 */
class AccessTokensTest {
    private static final Secret KEY = Secret.of("a-test-signing-key-of-sufficient-length-0123456789");

    @Test
    void verify_sameTokenAgain_acceptedUntilExpiryThenRefused() {
        MutableClock clock = MutableClock.atNow();
        var tokens = new AccessTokens(KEY, Duration.ofMinutes(15), clock);
        String token = tokens.issue(new UserId("user-1"));

        assertThat(tokens.verify(token)).contains(new UserId("user-1"));
        assertThat(tokens.verify(token)).contains(new UserId("user-1"));
        clock.advance(Duration.ofMinutes(16));   // past expiry and the 30 s leeway
        assertThat(tokens.verify(token)).isEmpty();
        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void verify_clockLeeway_setsHowLongPastExpiryATokenIsAccepted() {
        MutableClock clock = MutableClock.atNow();
        var strict = new AccessTokens(KEY, Duration.ofMinutes(15), Duration.ZERO, clock);
        var lenient = new AccessTokens(KEY, Duration.ofMinutes(15), Duration.ofSeconds(60), clock);
        String token = strict.issue(new UserId("user-3"));
        clock.advance(Duration.ofMinutes(15).plusSeconds(45));

        assertThat(strict.verify(token)).isEmpty();
        assertThat(new AccessTokens(KEY, Duration.ofMinutes(15), clock).verify(token)).isEmpty();
        assertThat(lenient.verify(token)).contains(new UserId("user-3"));
        clock.advance(Duration.ofSeconds(15));
        assertThat(lenient.verify(token)).isEmpty();
    }

    @Test
    void verify_afterAcceptingAToken_aTamperedCopyIsStillRefused() {
        var tokens = new AccessTokens(KEY, Duration.ofMinutes(15), MutableClock.atNow());
        String token = tokens.issue(new UserId("user-1"));
        assertThat(tokens.verify(token)).contains(new UserId("user-1"));

        // The first character of the signature carries six full bits (the last one has padding bits).
        int at = token.lastIndexOf('.') + 1;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        assertThat(tokens.verify(tampered)).isEmpty();
        String otherKey = new AccessTokens(Secret.of("another-signing-key-of-sufficient-length-987654"), Duration.ofMinutes(15),
                MutableClock.atNow()).issue(new UserId("user-1"));
        assertThat(tokens.verify(otherKey)).isEmpty();
    }

    @Test
    void verify_tokenOfAnotherInstanceWithTheSameKey_accepted() {
        // A restarted server with the same key accepts the tokens it issued before.
        MutableClock clock = MutableClock.atNow();
        String token = new AccessTokens(KEY, Duration.ofMinutes(15), clock).issue(new UserId("user-2"));
        assertThat(new AccessTokens(KEY, Duration.ofMinutes(15), clock).verify(token)).contains(new UserId("user-2"));
    }
}
