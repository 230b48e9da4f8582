package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's usage routes: the deployment with its top users by cost and storage, one user's
 * usage, and per-user quota overrides; only for a console admin session (app tokens are refused).
 */
@ExtendWith(SharedEmbeddedServers.class)
class AdminUsageTest {
    static TestCoffer coffer;
    static Http http;
    static String cookie;
    static String csrf;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, """
                [quotas]
                files_count = 3
                """, Map.of());
        http = coffer.http();
        coffer.server().admins().create("ops@example.com", "ops password 123");
        Http.Response login = http.request("POST", "/api/v1/admin/session")
                .json(Map.of("email", "ops@example.com", "password", "ops password 123")).send();
        assertThat(login.status()).isEqualTo(200);
        String setCookie = login.header("Set-Cookie").orElseThrow();
        cookie = setCookie.substring("coffer_admin=".length(), setCookie.indexOf(';'));
        csrf = login.json().path("csrf_token").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Http.Request admin(String method, String path) {
        return http.request(method, "/api/v1/admin" + path).header("Cookie", "coffer_admin=" + cookie).header("X-CSRF-Token", csrf);
    }

    private static void upload(String token, String path, int size) {
        assertThat(http.request("PUT", "/api/v1/files/" + path).bearer(token).body(new byte[size], "application/octet-stream")
                .send().status()).isEqualTo(200);
    }

    @Test
    void deployment_topUsersByStorageAndCost_andOneUsersUsage() {
        String big = coffer.tokenFor("big-user");
        String small = coffer.tokenFor("small-user");
        upload(big, "a", 5000);
        upload(big, "b", 5000);
        upload(small, "a", 10);
        coffer.server().flushUsage();

        JsonNode deployment = admin("GET", "/usage?top=5").send().json();

        assertThat(deployment.path("users").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(deployment.path("files").path("bytes").asLong()).isGreaterThanOrEqualTo(10010);
        assertThat(deployment.path("top_by_storage").get(0).path("user_id").asText()).isEqualTo("big-user");
        assertThat(deployment.path("top_by_storage").get(0).path("files_bytes").asLong()).isEqualTo(10000);
        assertThat(deployment.path("top_by_cost").get(0).path("user_id").asText()).isEqualTo("big-user");
        assertThat(deployment.path("consumed").path("s3_put_requests").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(deployment.path("cost").path("so_far").path("total").decimalValue()).isPositive();

        JsonNode one = admin("GET", "/users/small-user/usage").send().json();
        assertThat(one.path("user_id").asText()).isEqualTo("small-user");
        assertThat(one.path("files").path("bytes").asLong()).isEqualTo(10);
        assertThat(admin("GET", "/usage?top=0").send().json().path("code").asText()).isEqualTo("validation_failed");
    }

    @Test
    void setQuotas_overridesForOneUser_backToDefaultWithNull() {
        String token = coffer.tokenFor("quota-user");
        upload(token, "1", 1);
        upload(token, "2", 1);
        upload(token, "3", 1);
        assertThat(http.request("PUT", "/api/v1/files/4").bearer(token).body(new byte[1], "application/octet-stream").send()
                .status()).isEqualTo(429);

        Http.Response raised = admin("PUT", "/users/quota-user/quotas")
                .body("{\"files_count\": 4, \"files_bytes\": -1}".getBytes(StandardCharsets.UTF_8), "application/json").send();
        assertThat(raised.status()).isEqualTo(200);
        assertThat(raised.json().path("quotas").path("files_count").path("limit").asLong()).isEqualTo(4);
        assertThat(raised.json().path("quotas").path("files_count").path("overridden").asBoolean()).isTrue();
        upload(token, "4", 1);

        Http.Response reset = admin("PUT", "/users/quota-user/quotas")
                .body("{\"files_count\": null}".getBytes(StandardCharsets.UTF_8), "application/json").send();
        assertThat(reset.json().path("quotas").path("files_count").path("limit").asLong()).isEqualTo(3);
        Http.Response bad = admin("PUT", "/users/quota-user/quotas")
                .body("{\"disk\": 1}".getBytes(StandardCharsets.UTF_8), "application/json").send();
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("detail").asText()).contains("'disk' is not a quota");
    }

    @Test
    void adminUsageRoutes_withAnAppToken_refused401() {
        String token = coffer.tokenFor("curious-user");
        Http.Response listing = http.get("/api/v1/admin/usage", token);
        assertThat(listing.status()).isEqualTo(401);
        Http.Response quotas = http.request("PUT", "/api/v1/admin/users/curious-user/quotas").bearer(token)
                .body("{\"files_count\": -1}".getBytes(StandardCharsets.UTF_8), "application/json").send();
        assertThat(quotas.status()).isEqualTo(401);
        assertThat(coffer.server().usage().read(new dev.coffer.identity.UserId("curious-user")).overrides()).isEmpty();
    }
}
