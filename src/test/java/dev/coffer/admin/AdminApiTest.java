package dev.coffer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.auth.ServiceKeyMaker;
import dev.coffer.http.Access;
import dev.coffer.http.Routes;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.LogCapture;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admin API over HTTP, as the console and an operator's scripts call it: the session cookie's
 * attributes, CSRF on every state-changing route, the trust boundary both ways (app tokens and
 * service keys never open an admin route, walked from the route table; an admin session never
 * opens the app's routes), disable/enable on the request path, deletion with counts.
 */
@ExtendWith(SharedEmbeddedServers.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {
    private static final String ADMIN_EMAIL = "ops@example.com";
    private static final String ADMIN_PASSWORD = "console password 1";
    private static final String[] SERVICE_KEY = ServiceKeyMaker.generate();
    static TestCoffer coffer;
    static Http http;
    static String cookie;
    static String csrf;
    static String aliceToken;
    static String aliceId;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, "[collections.notes]\ntable = \"t-admin-" + Long.toHexString(System.nanoTime()) + "\"\n",
                Map.of("COFFER_SERVICE_KEYS", SERVICE_KEY[1]));
        http = coffer.http();
        Map<String, String> credentials = Map.of("email", "alice@example.com", "password", "alice password 1");
        assertThat(http.request("POST", "/api/v1/auth/register").json(credentials).send().status()).isEqualTo(201);
        aliceToken = http.request("POST", "/api/v1/auth/login").json(credentials).send().json().path("access_token").asText();
        aliceId = http.get("/api/v1/auth/me", aliceToken).json().path("user_id").asText();
        assertThat(http.postJson("/api/v1/collections/notes/items", aliceToken, Map.of("text", "first")).status()).isEqualTo(201);
        assertThat(http.request("PUT", "/api/v1/files/docs/hello.txt").bearer(aliceToken)
                .body("hello".getBytes(StandardCharsets.UTF_8), "text/plain").send().status()).isIn(200, 201);
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Http.Request admin(String method, String path) {
        return http.request(method, "/api/v1/admin" + path).header("Cookie", "coffer_admin=" + cookie);
    }

    @Test
    @Order(1)
    void setup_withoutAdmin_saysHowToCreateOne_thenLogin() {
        JsonNode setup = http.get("/api/v1/admin/setup").json();
        assertThat(setup.path("admin_exists").asBoolean()).isFalse();
        assertThat(setup.path("create_command").asText()).isEqualTo("coffer admin create EMAIL");
        coffer.server().admins().create(ADMIN_EMAIL, ADMIN_PASSWORD);
        assertThat(http.get("/api/v1/admin/setup").json().path("admin_exists").asBoolean()).isTrue();

        Http.Response wrong = http.request("POST", "/api/v1/admin/session").json(Map.of("email", ADMIN_EMAIL, "password", "wrong password")).send();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("code").asText()).isEqualTo("unauthorized");
        // An app user's credentials are no admin's.
        Http.Response appUser = http.request("POST", "/api/v1/admin/session")
                .json(Map.of("email", "alice@example.com", "password", "alice password 1")).send();
        assertThat(appUser.status()).isEqualTo(401);

        Http.Response login = http.request("POST", "/api/v1/admin/session").json(Map.of("email", ADMIN_EMAIL, "password", ADMIN_PASSWORD)).send();
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String setCookie = login.header("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("coffer_admin=as_").contains("HttpOnly", "SameSite=Strict", "Path=/api/v1/admin")
                // The test client is on loopback: no Secure, or the browser would never send it back over http.
                .doesNotContain("Secure");
        cookie = setCookie.substring("coffer_admin=".length(), setCookie.indexOf(';'));
        csrf = login.json().path("csrf_token").asText();
        assertThat(csrf).hasSizeGreaterThan(20);
        assertThat(login.json().path("admin").path("email").asText()).isEqualTo(ADMIN_EMAIL);
        JsonNode session = admin("GET", "/session").send().json();
        assertThat(session.path("csrf_token").asText()).isEqualTo(csrf);
    }

    static Stream<Routes.Declared> adminRoutes() {
        return coffer.server().routes().stream().filter(route -> route.access() instanceof Access.Admins);
    }

    private static String pathOf(Routes.Declared route) {
        return route.pattern().replace("{user_id}", aliceId == null ? "x" : aliceId).replace("{collection}", "notes")
                .replace("<path>", "docs/hello.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminRoutes")
    @Order(2)
    void appUserToken_serviceKey_orNoSession_neverOpenAnAdminRoute(Routes.Declared route) {
        for (Http.Request request : List.of(http.request(route.method(), pathOf(route)).bearer(aliceToken),
                http.request(route.method(), pathOf(route)).bearer(SERVICE_KEY[0]).header("X-Coffer-User", aliceId),
                http.request(route.method(), pathOf(route)),
                http.request(route.method(), pathOf(route)).header("Cookie", "coffer_admin=as_forged").header("X-CSRF-Token", "x"))) {
            Http.Response response = request.send();
            assertThat(response.status()).as(route + " -> " + response.body()).isEqualTo(401);
            if (!route.method().equals("HEAD")) {
                assertThat(response.json().path("code").asText()).isEqualTo("unauthorized");
            }
        }
    }

    @Test
    @Order(3)
    void adminRoutes_areAllDeclaredAdmin_exceptSetupAndLogin() {
        List<String> adminApiOpen = coffer.server().routes().stream().filter(r -> r.pattern().startsWith("/api/v1/admin"))
                .filter(r -> !(r.access() instanceof Access.Admins)).map(r -> r.method() + " " + r.pattern()).toList();
        assertThat(adminApiOpen).containsExactlyInAnyOrder("GET /api/v1/admin/setup", "POST /api/v1/admin/session");
        assertThat(adminRoutes().count()).isGreaterThanOrEqualTo(15);
    }

    @Test
    @Order(4)
    void adminSession_neverOpensTheAppApi() {
        for (String path : List.of("/api/v1/auth/me", "/api/v1/collections/notes/items", "/api/v1/files", "/api/v1/auth/whoami")) {
            Http.Response response = http.request("GET", path).header("Cookie", "coffer_admin=" + cookie).header("X-CSRF-Token", csrf).send();
            assertThat(response.status()).as(path).isEqualTo(401);
        }
    }

    @Test
    @Order(5)
    void stateChanging_withoutOrWithWrongCsrf_refused403_andNothingChanges() {
        Http.Response none = admin("POST", "/users/" + aliceId + "/disable").send();
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.json().path("code").asText()).isEqualTo("csrf_token_invalid");
        Http.Response wrong = admin("POST", "/users/" + aliceId + "/disable").header("X-CSRF-Token", csrf + "x").send();
        assertThat(wrong.status()).isEqualTo(403);
        Http.Response delete = admin("DELETE", "/users/" + aliceId).send();
        assertThat(delete.status()).isEqualTo(403);
        Http.Response logout = admin("DELETE", "/session").send();
        assertThat(logout.status()).isEqualTo(403);
        assertThat(http.get("/api/v1/auth/me", aliceToken).status()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void users_searchProfileItemsFiles() {
        JsonNode found = admin("GET", "/users?q=ALICE@").send().json();
        assertThat(found.path("users")).hasSize(1);
        assertThat(found.path("users").get(0).path("user_id").asText()).isEqualTo(aliceId);
        assertThat(admin("GET", "/users?q=" + aliceId).send().json().path("users")).hasSize(1);
        assertThat(admin("GET", "/users?q=nobody-here").send().json().path("users")).isEmpty();
        JsonNode profile = admin("GET", "/users/" + aliceId).send().json();
        assertThat(profile.path("email").asText()).isEqualTo("alice@example.com");
        assertThat(profile.path("disabled").asBoolean()).isFalse();
        assertThat(profile.path("counts").path("items").path("notes").asLong()).isEqualTo(1);
        assertThat(profile.path("counts").path("files").asLong()).isEqualTo(1);
        JsonNode items = admin("GET", "/users/" + aliceId + "/collections/notes/items").send().json();
        assertThat(items.path("items").get(0).path("text").asText()).isEqualTo("first");
        JsonNode files = admin("GET", "/users/" + aliceId + "/files").send().json();
        assertThat(files.path("files").get(0).path("path").asText()).isEqualTo("docs/hello.txt");
        assertThat(files.path("files").get(0).path("content_type").asText()).startsWith("text/plain");
        Http.Response download = admin("GET", "/users/" + aliceId + "/files/docs/hello.txt").send();
        assertThat(download.body()).isEqualTo("hello");
        assertThat(download.header("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
        assertThat(admin("GET", "/users?limit=0").send().json().path("code").asText()).isEqualTo("validation_failed");
        JsonNode collections = admin("GET", "/collections").send().json();
        assertThat(collections.path("collections").get(0).path("name").asText()).isEqualTo("notes");
        assertThat(admin("GET", "/collections/notes/items").send().json().path("items").get(0).path("user_id").asText()).isEqualTo(aliceId);
    }

    @Test
    @Order(7)
    void disable_refusesTheUsersTokens_untilEnabled_andIsLoggedWithTheAdminsId() {
        String adminId = admin("GET", "/session").send().json().path("admin").path("id").asText();
        Http.Response disabled;
        try (LogCapture log = LogCapture.start()) {
            disabled = admin("POST", "/users/" + aliceId + "/disable").header("X-CSRF-Token", csrf).send();
            assertThat(log.text()).contains("admin " + adminId + " (" + ADMIN_EMAIL + ") POST /api/v1/admin/users/" + aliceId + "/disable")
                    .contains("admin " + adminId + " disabled user " + aliceId);
        }
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(http.get("/api/v1/auth/me", aliceToken).status()).isEqualTo(401);
        assertThat(http.request("GET", "/api/v1/collections/notes/items").bearer(SERVICE_KEY[0]).header("X-Coffer-User", aliceId)
                .send().status()).isEqualTo(401);
        assertThat(admin("GET", "/users/" + aliceId).send().json().path("disabled").asBoolean()).isTrue();
        assertThat(admin("POST", "/users/" + aliceId + "/enable").header("X-CSRF-Token", csrf).send().status()).isEqualTo(200);
        assertThat(http.get("/api/v1/auth/me", aliceToken).status()).isEqualTo(200);
    }

    @Test
    @Order(8)
    void overviewDoctorAndActivity() {
        JsonNode overview = admin("GET", "/overview").send().json();
        assertThat(overview.path("credentials").path("mode").asText()).isEqualTo(coffer.server().credentials().current().mode().label());
        assertThat(overview.path("credentials").path("warning_threshold_seconds").asLong()).isEqualTo(15 * 60);
        assertThat(overview.path("tables")).isNotEmpty();
        assertThat(admin("POST", "/doctor").send().status()).isEqualTo(403);
        JsonNode doctor = admin("POST", "/doctor").header("X-CSRF-Token", csrf).send().json();
        assertThat(doctor.path("read_only").asBoolean()).isTrue();
        assertThat(doctor.path("fit").asBoolean()).as(doctor.toString()).isTrue();
        assertThat(doctor.toString()).doesNotContain("PutObject", "DeleteObject");
        JsonNode errors = admin("GET", "/activity?status=4xx").send().json();
        assertThat(errors.path("requests")).isNotEmpty();
        errors.path("requests").forEach(r -> assertThat(r.path("status_class").asText()).isEqualTo("4xx"));
        assertThat(admin("GET", "/activity?status=6xx").send().status()).isEqualTo(400);
    }

    @Test
    @Order(9)
    void delete_removesTheUserThroughAccountDeletion_withCounts() {
        Http.Response deleted = admin("DELETE", "/users/" + aliceId).header("X-CSRF-Token", csrf).send();
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("deleted").path("items").path("notes").asLong()).isEqualTo(1);
        assertThat(deleted.json().path("deleted").path("files").asLong()).isEqualTo(1);
        assertThat(http.get("/api/v1/auth/me", aliceToken).status()).isEqualTo(401);
        assertThat(admin("GET", "/users/" + aliceId).send().json().path("deletion").asText()).isEqualTo("done");
        assertThat(admin("GET", "/users?q=alice").send().json().path("users")).isEmpty();
    }

    @Test
    @Order(10)
    void adminLogin_hasTheSameFailureLimitAsUserLogin() {
        coffer.server().admins().create("second@example.com", "second admin pass");
        for (int i = 0; i < 5; i++) {
            assertThat(http.request("POST", "/api/v1/admin/session").json(Map.of("email", "second@example.com", "password", "wrong " + i))
                    .send().status()).isEqualTo(401);
        }
        Http.Response limited = http.request("POST", "/api/v1/admin/session")
                .json(Map.of("email", "second@example.com", "password", "second admin pass")).send();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().path("code").asText()).isEqualTo("rate_limited");
        assertThat(limited.header("Retry-After")).isPresent();
    }

    @Test
    @Order(11)
    void logout_endsTheSession() {
        Http.Response out = admin("DELETE", "/session").header("X-CSRF-Token", csrf).send();
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).contains("Max-Age=0"));
        assertThat(admin("GET", "/overview").send().status()).isEqualTo(401);
    }
}
