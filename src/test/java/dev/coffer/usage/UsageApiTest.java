package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/v1/auth/me/usage}: stored numbers, quotas, and this month's consumed capacity
 * (as DynamoDB Local reports it), S3 requests by class, bytes out and API requests, counted for
 * the user whose request made them and no one else.
 */
@ExtendWith(SharedEmbeddedServers.class)
class UsageApiTest {
    /** Mid-month and fixed, so the cost projection and the once-a-minute quota read are the same on every run. */
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-11T12:00:00Z"));
    static TestCoffer coffer;
    static Http http;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        coffer = TestCoffer.start(stack, """
                [quotas]
                files_count = 50
                [collections.notes]
                table = "t-usage-notes-%s"
                sort_key = "note_id"
                """.formatted(Long.toHexString(System.nanoTime())), Map.of(), CLOCK);
        http = coffer.http();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    @Test
    void ownUsage_storedConsumedAndRequests_countedForTheCallerOnly() {
        String dana = coffer.tokenFor("dana-usage");
        String eli = coffer.tokenFor("eli-usage");
        assertThat(http.request("PUT", "/api/v1/files/x.bin").bearer(dana).body(new byte[100], "application/octet-stream").send()
                .status()).isEqualTo(200);
        var created = http.request("POST", "/api/v1/collections/notes/items").bearer(dana)
                .body("{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8), "application/json").send();
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().path("note_id").asText();
        assertThat(http.get("/api/v1/collections/notes/items/" + id, dana).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/files/x.bin", dana).bytes()).hasSize(100);
        coffer.server().flushUsage();

        Http.Response answer = http.get("/api/v1/auth/me/usage", dana);

        assertThat(answer.status()).isEqualTo(200);
        JsonNode usage = answer.json();
        assertThat(usage.path("user_id").asText()).isEqualTo("dana-usage");
        assertThat(usage.path("files").path("count").asLong()).isEqualTo(1);
        assertThat(usage.path("files").path("bytes").asLong()).isEqualTo(100);
        assertThat(usage.path("collections").path("notes").path("count").asLong()).isEqualTo(1);
        assertThat(usage.path("quotas").path("files_count").path("limit").asLong()).isEqualTo(50);
        assertThat(usage.path("quotas").path("files_bytes").path("limit").isNull()).isTrue();
        assertThat(usage.path("month").asText()).isEqualTo("2026-12");
        JsonNode consumed = usage.path("consumed");
        // Writes: the file's usage ADD; the item's usage ADD and PutItem (1 unit each, all under 1 KB).
        assertThat(consumed.path("dynamodb_write_units").asDouble()).isEqualTo(3.0);
        // Reads: the item's consistent GetItem (1) and the minute's quota read of the usage item (0.5, eventually consistent).
        assertThat(consumed.path("dynamodb_read_units").asDouble()).isEqualTo(1.5);
        // PutObject; HEAD before the upload (404 is charged too) and GetObject.
        assertThat(consumed.path("s3_put_requests").asLong()).isEqualTo(1);
        assertThat(consumed.path("s3_get_requests").asLong()).isEqualTo(2);
        assertThat(consumed.path("bytes_out").asLong()).isEqualTo(100);
        assertThat(usage.path("requests").path("files:write").asLong()).isEqualTo(1);
        assertThat(usage.path("requests").path("files:read").asLong()).isEqualTo(1);
        assertThat(usage.path("requests").path("records:write").asLong()).isEqualTo(1);
        assertThat(usage.path("requests").path("records:read").asLong()).isEqualTo(1);
        assertThat(usage.path("requests_by_day").path("2026-12-11").path("records:read").asLong()).isEqualTo(1);
        JsonNode cost = usage.path("cost");
        assertThat(cost.path("prices").path("region").asText()).isEqualTo("us-east-1");
        assertThat(cost.path("so_far").path("total").decimalValue()).isPositive();
        // 3 write units at $0.625 per million.
        assertThat(cost.path("so_far").path("dynamodb_writes").decimalValue()).isEqualByComparingTo("0.000001875");
        assertThat(cost.path("projected").path("total").decimalValue()).isGreaterThan(cost.path("so_far").path("total").decimalValue());

        // Another user sees their own numbers only.
        coffer.server().flushUsage();
        JsonNode other = http.get("/api/v1/auth/me/usage", eli).json();
        assertThat(other.path("user_id").asText()).isEqualTo("eli-usage");
        assertThat(other.path("files").path("count").asLong()).isZero();
        assertThat(other.path("consumed").path("dynamodb_write_units").asDouble()).isZero();
        assertThat(other.path("requests").path("records:write").isMissingNode()).isTrue();
    }

    @Test
    void ownUsage_withoutCredentials_401() {
        Http.Response answer = http.get("/api/v1/auth/me/usage");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("code").asText()).isEqualTo("unauthorized");
    }
}
