package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every auth endpoint end to end over HTTP on the embedded default. */
@ExtendWith(SharedEmbeddedServers.class)
class AuthApiTest {
    static final String TOML = "[collections.notes]\ntable = \"t-notes-%s\"\n";
    static TestCoffer coffer;
    static Http http;
    static MutableClock clock = MutableClock.atNow();

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, TOML.formatted(Long.toHexString(System.nanoTime())), Map.of(), clock);
        http = coffer.http();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Http.Response register(String email, String password, String name) {
        return http.request("POST", "/api/v1/auth/register").json(Map.of("email", email, "password", password, "full_name", name)).send();
    }

    static JsonNode login(String email, String password) {
        Http.Response r = http.request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", password)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void registerLoginMeRenameLogout() {
        Http.Response registered = register("  Ada@Example.COM ", "correct horse battery", "Ada Lovelace");
        assertThat(registered.status()).isEqualTo(201);
        JsonNode user = registered.json();
        // Shown as typed (surrounding whitespace stripped); matched in any case.
        assertThat(user.path("email").asText()).isEqualTo("Ada@Example.COM");
        assertThat(user.path("full_name").asText()).isEqualTo("Ada Lovelace");
        assertThat(user.path("user_id").asText()).isNotBlank();
        assertThat(user.has("password_hash")).isFalse();

        JsonNode tokens = login("ada@example.com", "correct horse battery");
        assertThat(tokens.path("token_type").asText()).isEqualTo("bearer");
        assertThat(tokens.path("expires_in").asLong()).isEqualTo(900);
        String access = tokens.path("access_token").asText();

        JsonNode me = http.get("/api/v1/auth/me", access).json();
        assertThat(me.path("user_id").asText()).isEqualTo(user.path("user_id").asText());
        JsonNode renamed = http.request("PATCH", "/api/v1/auth/me").bearer(access).json(Map.of("full_name", "Countess")).send().json();
        assertThat(renamed.path("full_name").asText()).isEqualTo("Countess");

        assertThat(http.request("POST", "/api/v1/auth/logout").json(Map.of("refresh_token", tokens.path("refresh_token").asText()))
                .send().status()).isEqualTo(204);
        assertThat(http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", tokens.path("refresh_token").asText()))
                .send().status()).isEqualTo(401);
    }

    @Test
    void register_sameEmailTwice_409() {
        assertThat(register("twice@example.com", "password-one", "A").status()).isEqualTo(201);
        Http.Response again = register("TWICE@example.com".toLowerCase(), "password-two", "B");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asText()).isEqualTo("conflict");
    }

    @Test
    void emailsDifferingOnlyByCase_areOneAccount() {
        Http.Response first = register("Alice.Case@Example.com", "alice-password", "Alice");
        assertThat(first.status()).isEqualTo(201);
        for (String variant : new String[] {"alice.case@example.com", "ALICE.CASE@EXAMPLE.COM", " alice.Case@example.COM\t"}) {
            Http.Response again = register(variant, "other-password", "Mallory");
            assertThat(again.status()).as(variant).isEqualTo(409);
            assertThat(again.json().path("code").asText()).isEqualTo("conflict");
            String access = login(variant, "alice-password").path("access_token").asText();
            JsonNode me = http.get("/api/v1/auth/me", access).json();
            assertThat(me.path("user_id").asText()).isEqualTo(first.json().path("user_id").asText());
            assertThat(me.path("email").asText()).isEqualTo("Alice.Case@Example.com");
        }
        // Decomposed and composed spellings are one address too (NFC).
        assertThat(register("Jose\u0301@example.com", "jose-password", "J").status()).isEqualTo(201);
        assertThat(register("jos\u00e9@example.com", "other-password", "M").status()).isEqualTo(409);
        login("JOS\u00c9@example.com", "jose-password");
    }

    @Test
    void emailsWithInvisibleCharacters_refused_atRegistrationAndLogin() {
        for (String invisible : new String[] {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202a", "\u202e",
            "\u2066", "\u2069", "\u0007", "\u0085"}) {
            String email = "in" + invisible + "visible@example.com";
            Http.Response registered = register(email, "visible-password", "I");
            assertThat(registered.status()).isEqualTo(400);
            assertThat(registered.json().path("code").asText()).isEqualTo("validation_failed");
            assertThat(registered.json().path("detail").asText())
                    .isEqualTo("'email' must not contain invisible characters (control, zero-width, bidi or other format characters)");
            Http.Response login = http.request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", "visible-password")).send();
            assertThat(login.status()).isEqualTo(400);
            assertThat(login.json().path("detail").asText()).startsWith("'email' ");
        }
        Http.Response tooLong = http.request("POST", "/api/v1/auth/login")
                .json(Map.of("email", "a".repeat(300) + "@example.com", "password", "whatever-password")).send();
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("detail").asText()).isEqualTo("'email' must be at most 254 characters");
    }

    @Test
    void register_fiftyRacing_exactlyOneWins() throws Exception {
        var statuses = new ArrayList<Integer>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                int status = register("race@example.com", "racing-password", "Racer").status();
                synchronized (statuses) {
                    statuses.add(status);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(statuses).hasSize(50);
        assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
        assertThat(statuses.stream().filter(s -> s == 409).count()).isEqualTo(49);
    }

    @Test
    void register_invalidInput_400WithReason() {
        assertThat(register("not-an-email", "long enough pw", "x").json().path("detail").asText())
                .isEqualTo("'email' is not a valid email address");
        assertThat(register("short@example.com", "short", "x").json().path("detail").asText())
                .isEqualTo("'password' must be 8 to 128 characters");
        assertThat(register("long@example.com", "p".repeat(129), "x").status()).isEqualTo(400);
        assertThat(register("name@example.com", "long enough pw", "n".repeat(101)).status()).isEqualTo(400);
        assertThat(http.request("POST", "/api/v1/auth/register").json("{\"email\":\"a@b.co\",\"password\":\"xxxxxxxx\",\"admin\":true}")
                .send().json().path("detail").asText()).isEqualTo("unknown field 'admin'");
        assertThat(http.request("POST", "/api/v1/auth/register").json("{\"email\":").send().status()).isEqualTo(400);
        assertThat(http.request("POST", "/api/v1/auth/register").json("{\"email\":\"" + "a".repeat(2_000_000) + "\"}").send().status())
                .isEqualTo(413);
    }

    @Test
    void refresh_rotates_andReuseOfRotatedTokenRevokesTheFamily() {
        register("rotate@example.com", "rotate-password", "R");
        JsonNode first = login("rotate@example.com", "rotate-password");
        String r1 = first.path("refresh_token").asText();

        Http.Response rotated = http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", r1)).send();
        assertThat(rotated.status()).isEqualTo(200);
        String r2 = rotated.json().path("refresh_token").asText();
        assertThat(r2).isNotEqualTo(r1);

        Http.Response reuse = http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", r1)).send();
        assertThat(reuse.status()).isEqualTo(401);
        // The thief replayed r1: the legitimate holder's r2 is dead too.
        assertThat(http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", r2)).send().status()).isEqualTo(401);
    }

    @Test
    void refreshTokens_storedHashedNeverInClear() {
        register("hashed@example.com", "hashed-password", "H");
        String refresh = login("hashed@example.com", "hashed-password").path("refresh_token").asText();
        String authTable = coffer.server().config().storage().usersTable() + "-auth";

        var items = coffer.server().clients().dynamoDb().scan(b -> b.tableName(authTable)).items();

        assertThat(items.toString()).doesNotContain(refresh).contains(AccountStore.sha256(refresh));
    }

    @Test
    void changePassword_oldSessionsEnd_newPasswordWorks() {
        register("change@example.com", "first-password", "C");
        JsonNode session1 = login("change@example.com", "first-password");
        JsonNode session2 = login("change@example.com", "first-password");

        Http.Response wrongOld = http.request("POST", "/api/v1/auth/change-password").bearer(session2.path("access_token").asText())
                .json(Map.of("old_password", "nope-nope-nope", "new_password", "second-password")).send();
        assertThat(wrongOld.status()).isEqualTo(401);
        clock.advance(Duration.ofMillis(5));
        Http.Response changed = http.request("POST", "/api/v1/auth/change-password").bearer(session2.path("access_token").asText())
                .json(Map.of("old_password", "first-password", "new_password", "second-password")).send();
        assertThat(changed.status()).isEqualTo(200);

        assertThat(http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", session1.path("refresh_token").asText()))
                .send().status()).isEqualTo(401);
        assertThat(http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", changed.json().path("refresh_token").asText()))
                .send().status()).isEqualTo(200);
        assertThat(http.request("POST", "/api/v1/auth/login").json(Map.of("email", "change@example.com", "password", "first-password"))
                .send().status()).isEqualTo(401);
        login("change@example.com", "second-password");
    }

    @Test
    void login_wrongPasswordAndUnknownEmail_sameAnswer_thenRateLimited() {
        register("limited@example.com", "the-right-password", "L");
        Http.Response wrong = http.request("POST", "/api/v1/auth/login").json(Map.of("email", "limited@example.com", "password", "wrong-one")).send();
        Http.Response unknown = http.request("POST", "/api/v1/auth/login").json(Map.of("email", "nobody@example.com", "password", "wrong-one")).send();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.json().path("detail").asText()).isEqualTo(unknown.json().path("detail").asText()).isEqualTo("wrong email or password");

        for (int i = 0; i < 4; i++) {
            http.request("POST", "/api/v1/auth/login").json(Map.of("email", "limited@example.com", "password", "wrong-" + i)).send();
        }
        Http.Response limited = http.request("POST", "/api/v1/auth/login")
                .json(Map.of("email", "limited@example.com", "password", "the-right-password")).send();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().path("code").asText()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isBetween(1L, 901L);

        clock.advance(Duration.ofMinutes(16));
        login("limited@example.com", "the-right-password");
    }

    @Test
    void deleteMe_removesAccountRecordsAndFiles() {
        register("leaving@example.com", "leaving-password", "Leaving");
        String access = login("leaving@example.com", "leaving-password").path("access_token").asText();
        http.request("POST", "/api/v1/collections/notes/items").bearer(access).json(Map.of("text", "bye")).send();
        http.request("PUT", "/api/v1/files/photo.jpg").bearer(access).body(new byte[] {1, 2, 3}, "image/jpeg").send();
        String userId = http.get("/api/v1/auth/me", access).json().path("user_id").asText();

        assertThat(http.request("DELETE", "/api/v1/auth/me").bearer(access).send().status()).isEqualTo(204);

        assertThat(http.request("POST", "/api/v1/auth/login").json(Map.of("email", "leaving@example.com", "password", "leaving-password"))
                .send().status()).isEqualTo(401);
        String bucket = coffer.server().config().storage().bucket();
        assertThat(coffer.server().clients().s3().listObjectsV2(b -> b.bucket(bucket).prefix("users/" + userId + "/")).contents()).isEmpty();
        assertThat(http.get("/api/v1/collections/notes/items", access).json().path("items").size()).isZero();
        assertThat(register("leaving@example.com", "leaving-password", "Back").status()).isEqualTo(201);
    }

    @Test
    void secrets_neverInLogsOrResponses() {
        try (LogCapture logs = LogCapture.start()) {
            String password = "very-secret-password-42";
            Http.Response registered = register("secret@example.com", password, "S");
            JsonNode tokens = login("secret@example.com", password);
            Http.Response bad = http.request("POST", "/api/v1/auth/login").json(Map.of("email", "secret@example.com", "password", password + "x")).send();
            String text = logs.text();
            for (String secret : List.of(password, tokens.path("refresh_token").asText(), tokens.path("access_token").asText())) {
                assertThat(text).doesNotContain(secret);
                assertThat(registered.body()).doesNotContain(secret);
                assertThat(bad.body()).doesNotContain(secret);
            }
            assertThat(text).contains("POST /api/v1/auth/login 200");
        }
    }

}
