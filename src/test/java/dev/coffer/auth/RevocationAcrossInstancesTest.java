package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.SharedTables;
import dev.coffer.testing.TestCoffer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Revocation through instance A reaches instance B within {@link Auth#REVOCATION_BOUND}, measured
 * on B's own clock: A refuses the revoked token at once, B once its memory of the user's standing
 * is older than the bound. Each instance has its own clock, moved by hand.
 */
@ExtendWith(SharedEmbeddedServers.class)
class RevocationAcrossInstancesTest {
    private static final MutableClock clockA = MutableClock.atNow();
    private static final MutableClock clockB = MutableClock.atNow();
    private static TestCoffer a;
    private static TestCoffer b;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        Map<String, String> env = SharedTables.env(Map.of());
        a = TestCoffer.start(stack, "", env, clockA);
        b = TestCoffer.start(stack, "", env, clockB);
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
    }

    private static JsonNode registerAndLogin(String email) {
        a.http().request("POST", "/api/v1/auth/register").json(Map.of("email", email, "password", "first-password")).send();
        Http.Response login = a.http().request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", "first-password")).send();
        assertThat(login.status()).isEqualTo(200);
        return login.json();
    }

    private static int me(TestCoffer instance, String token) {
        return instance.http().request("GET", "/api/v1/auth/me").bearer(token).send().status();
    }

    /**
     * Time passes for both instances (each on its own clock: B's memory ages on B's), so tokens
     * one issues are not in the future for the other.
     */
    private static void passTheBound() {
        clockB.advance(Auth.REVOCATION_BOUND);
        clockA.advance(Auth.REVOCATION_BOUND);
    }

    /** B has read the user's standing (and trusts it for the bound), then A revokes. */
    private static void assertRefusedByAAtOnce_byBAfterTheBound(String token) {
        assertThat(me(a, token)).isEqualTo(401);
        // B's memory is younger than the bound: the documented window in which B still accepts it.
        assertThat(me(b, token)).isEqualTo(200);
        passTheBound();
        assertThat(me(b, token)).isEqualTo(401);
    }

    @Test
    void logoutThroughA_refusesTheAccessTokenOnB_afterTheBound() {
        JsonNode tokens = registerAndLogin("logout-" + UUID.randomUUID() + "@example.com");
        String access = tokens.path("access_token").asText();
        assertThat(me(b, access)).isEqualTo(200);
        assertThat(a.http().request("POST", "/api/v1/auth/logout").json(Map.of("refresh_token", tokens.path("refresh_token").asText()))
                .send().status()).isEqualTo(204);
        assertRefusedByAAtOnce_byBAfterTheBound(access);
    }

    @Test
    void passwordChangeThroughA_refusesOldTokensOnB_theNewTokenWorksOnBoth() {
        String email = "change-" + UUID.randomUUID() + "@example.com";
        String access = registerAndLogin(email).path("access_token").asText();
        assertThat(me(b, access)).isEqualTo(200);
        Http.Response changed = a.http().request("POST", "/api/v1/auth/change-password").bearer(access)
                .json(Map.of("old_password", "first-password", "new_password", "second-password")).send();
        assertThat(changed.status()).isEqualTo(200);
        assertRefusedByAAtOnce_byBAfterTheBound(access);
        String fresh = changed.json().path("access_token").asText();
        assertThat(me(a, fresh)).isEqualTo(200);
        assertThat(me(b, fresh)).isEqualTo(200);
    }

    @Test
    void accountDeletedThroughA_refusesTokensOnB_afterTheBound() {
        String access = registerAndLogin("delete-" + UUID.randomUUID() + "@example.com").path("access_token").asText();
        assertThat(me(b, access)).isEqualTo(200);
        assertThat(a.http().request("DELETE", "/api/v1/auth/me").bearer(access).send().status()).isEqualTo(204);
        // /me would answer 404 for a deleted account even with a valid token: whoami tells refusal apart.
        assertThat(a.http().request("GET", "/api/v1/auth/whoami").bearer(access).send().status()).isEqualTo(401);
        assertThat(b.http().request("GET", "/api/v1/auth/whoami").bearer(access).send().status()).isEqualTo(200);
        passTheBound();
        assertThat(b.http().request("GET", "/api/v1/auth/whoami").bearer(access).send().status()).isEqualTo(401);
    }

    @Test
    void disabledThroughTheHook_refusesTokensAndLogin_enablingAgainRestoresBoth() throws Exception {
        String email = "disabled-" + UUID.randomUUID() + "@example.com";
        String access = registerAndLogin(email).path("access_token").asText();
        UserId user = a.server().accessTokens().verify(access).orElseThrow();
        assertThat(me(b, access)).isEqualTo(200);
        a.server().auth().setDisabled(user, true);
        assertRefusedByAAtOnce_byBAfterTheBound(access);
        Http.Response login = b.http().request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", "first-password")).send();
        assertThat(login.status()).isEqualTo(401);

        a.server().auth().setDisabled(user, false);
        passTheBound();
        assertThat(me(b, access)).isEqualTo(200);
        assertThat(b.http().request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", "first-password")).send()
                .status()).isEqualTo(200);
    }

    @Test
    void logout_doesNotRevokeTokensIssuedAfterIt_onEitherInstance() {
        String email = "again-" + UUID.randomUUID() + "@example.com";
        JsonNode first = registerAndLogin(email);
        assertThat(me(b, first.path("access_token").asText())).isEqualTo(200);
        a.http().request("POST", "/api/v1/auth/logout").json(Map.of("refresh_token", first.path("refresh_token").asText())).send();
        String second = b.http().request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", "first-password")).send()
                .json().path("access_token").asText();
        assertThat(me(a, second)).isEqualTo(200);
        assertThat(me(b, second)).isEqualTo(200);
        // A token minted under the old version (as a thief holding a copy would present it) stays refused.
        assertThat(me(a, a.server().accessTokens().issue(a.server().accessTokens().verify(second).orElseThrow(), 0))).isEqualTo(401);
    }
}
