package dev.coffer.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.http.Access;
import dev.coffer.http.Routes;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every route the running server registered (not a hand-kept list): each declares its
 * access, protected ones answer 401 problem JSON without a token and with the token of a deleted
 * account, and let a valid token through. A route added without declaring its protection cannot
 * compile; one declared open by mistake fails {@link #openRoutes_areExactlyTheDeliberatelyPublicOnes}.
 */
@ExtendWith(SharedEmbeddedServers.class)
class RouteProtectionTest {
    /** The only routes anyone may call without credentials. */
    private static final Set<String> PUBLIC = Set.of("GET /health", "GET /health/live", "GET /health/ready",
            "POST /api/v1/auth/register", "POST /api/v1/auth/login", "POST /api/v1/auth/refresh",
            "POST /api/v1/auth/logout", "GET /api/openapi.json",
            // The console: its static page, script and style hold no data; whether an admin exists; admin login.
            "GET /console", "GET /console/<file>", "GET /api/v1/admin/setup", "POST /api/v1/admin/session");

    static TestCoffer coffer;
    static Http http;
    static String deletedToken;
    static int accounts;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, "[collections.notes]\ntable = \"t-routes-" + Long.toHexString(System.nanoTime())
                + "\"\n", Map.of());
        http = coffer.http();
        deletedToken = registerAndLogin("deleted@example.com");
        assertThat(http.request("DELETE", "/api/v1/auth/me").bearer(deletedToken).send().status()).isEqualTo(204);
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    private static String registerAndLogin(String email) {
        Map<String, String> credentials = Map.of("email", email, "password", "correct horse battery");
        assertThat(http.request("POST", "/api/v1/auth/register").json(credentials).send().status()).isEqualTo(201);
        Http.Response login = http.request("POST", "/api/v1/auth/login").json(credentials).send();
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.json().path("access_token").asText();
    }

    static Stream<Routes.Declared> protectedRoutes() {
        return coffer.server().routes().stream().filter(route -> route.access() instanceof Access.Callers);
    }

    /** A concrete path for a pattern: the declared collection, an item id, a file path. */
    private static String pathOf(Routes.Declared route) {
        return route.pattern().replace("{collection}", "notes").replace("{id}", "item-1").replace("<path>", "walk/a.txt")
                .replaceAll("\\{[a-z_]+}", "x");
    }

    private static Http.Response send(Routes.Declared route, String token) {
        Http.Request request = http.request(route.method(), pathOf(route));
        if (token != null) {
            request.bearer(token);
        }
        if (Set.of("POST", "PUT", "PATCH").contains(route.method())) {
            request.json(Map.of("note", "walk"));
        }
        return request.send();
    }

    @Test
    void openRoutes_areExactlyTheDeliberatelyPublicOnes() {
        List<String> open = coffer.server().routes().stream().filter(route -> route.access() instanceof Access.Open)
                .map(route -> route.method() + " " + route.pattern()).toList();
        assertThat(open).containsExactlyInAnyOrderElementsOf(PUBLIC);
        assertThat(protectedRoutes()).hasSizeGreaterThanOrEqualTo(15);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protectedRoutes")
    void withoutToken_401ProblemJson(Routes.Declared route) {
        assertUnauthorized(send(route, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protectedRoutes")
    void withTokenOfDeletedAccount_401ProblemJson(Routes.Declared route) {
        assertUnauthorized(send(route, deletedToken));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protectedRoutes")
    void withValidToken_notRefused(Routes.Declared route) {
        // An account of its own for each route: one of them deletes the account.
        Http.Response response = send(route, registerAndLogin("live-" + (++accounts) + "@example.com"));
        assertThat(response.status()).as(route + " -> " + response.body()).isNotIn(401, 403);
    }

    private static void assertUnauthorized(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.header("WWW-Authenticate")).contains("Bearer");
        if (response.raw().request().method().equals("HEAD")) {
            return;   // no body to read
        }
        JsonNode problem = response.json();
        assertThat(problem.path("code").asText()).isEqualTo("unauthorized");
        assertThat(problem.path("status").asInt()).isEqualTo(401);
    }
}
