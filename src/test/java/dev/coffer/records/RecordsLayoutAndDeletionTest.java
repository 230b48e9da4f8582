package dev.coffer.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.error.CofferException;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.AwsCli;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What Coffer writes, seen with the AWS CLI; deletion of everything a user has; tables that differ. */
@ExtendWith(SharedEmbeddedServers.class)
class RecordsLayoutAndDeletionTest {

    @Test
    void itemsWrittenByCoffer_visibleWithAwsCliUnderDeclaredKeyNames(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, RecordsApiTest.TOML.formatted(Long.toHexString(System.nanoTime())), Map.of())) {
            String token = coffer.tokenFor("dana");
            coffer.http().request("POST", "/api/v1/collections/scans/items").bearer(token)
                    .json(Map.of("scan_id", "cli-1", "scan_date", "2026-02-01", "score", 7)).send();
            String table = coffer.server().config().collections().get("scans").table();

            JsonNode result = AwsCli.json(stack.dynamoDb().endpoint(), "dynamodb", "query", "--table-name", table,
                    "--key-condition-expression", "user_id = :u", "--expression-attribute-values", "{\":u\":{\"S\":\"dana\"}}");
            JsonNode described = AwsCli.json(stack.dynamoDb().endpoint(), "dynamodb", "describe-table", "--table-name", table);

            assertThat(result.path("Count").asInt()).isEqualTo(1);
            JsonNode item = result.path("Items").get(0);
            assertThat(item.path("user_id").path("S").asText()).isEqualTo("dana");
            assertThat(item.path("scan_id").path("S").asText()).isEqualTo("cli-1");
            assertThat(item.path("scan_date").path("S").asText()).isEqualTo("2026-02-01");
            assertThat(item.path("score").path("N").asText()).isEqualTo("7");
            assertThat(item.path("version").path("N").asText()).isEqualTo("1");
            assertThat(described.path("Table").path("KeySchema").toString()).contains("user_id").contains("scan_id");
            assertThat(described.path("Table").path("BillingModeSummary").path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
            assertThat(described.path("Table").path("LocalSecondaryIndexes").get(0).path("IndexName").asText()).isEqualTo("scan-date-index");
            assertThat(described.path("Table").path("GlobalSecondaryIndexes").get(0).path("IndexName").asText()).isEqualTo("score-index");
        }
    }

    @Test
    void deleteAllFor_removesEveryItemOfThatUserOnly(EmbeddedServers stack) throws Exception {
        String toml = RecordsApiTest.TOML.formatted(Long.toHexString(System.nanoTime())) + """
                [collections.notes]
                table = "t-notes-%s"
                """.formatted(Long.toHexString(System.nanoTime()));
        try (var coffer = TestCoffer.start(stack, toml, Map.of())) {
            String erin = coffer.tokenFor("erin");
            String finn = coffer.tokenFor("finn");
            for (int i = 0; i < 60; i++) {
                coffer.http().request("POST", "/api/v1/collections/scans/items").bearer(erin).json(Map.of("n", i)).send();
            }
            coffer.http().request("POST", "/api/v1/collections/notes/items").bearer(erin).json(Map.of("text", "hi")).send();
            coffer.http().request("POST", "/api/v1/collections/notes/items").bearer(finn).json(Map.of("text", "mine")).send();

            coffer.server().userDataOwners().forEach(owner -> owner.deleteAllFor(new dev.coffer.identity.UserId("erin")));

            assertThat(coffer.http().get("/api/v1/collections/scans/items?limit=1000", erin).json().path("items").size()).isZero();
            assertThat(coffer.http().get("/api/v1/collections/notes/items", erin).json().path("items").size()).isZero();
            assertThat(coffer.http().get("/api/v1/collections/notes/items", finn).json().path("items").size()).isEqualTo(1);
        }
    }

    @Test
    void existingTableWithOtherKeys_startUpStopsWithTheDifference(EmbeddedServers stack) {
        String suffix = Long.toHexString(System.nanoTime());
        try (var first = TestCoffer.start(stack, "[collections.logs]\ntable = \"t-logs-" + suffix + "\"\nsort_key = \"log_id\"\n", Map.of())) {
            assertThat(first.server().port()).isPositive();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> TestCoffer.start(stack, "[collections.logs]\ntable = \"t-logs-" + suffix
                + "\"\nsort_key = \"entry_id\"\n[[collections.logs.indexes]]\nname = \"day-index\"\nkey = \"day\"\n", Map.of()))
                .isInstanceOf(CofferException.class)
                .hasMessageContaining("table t-logs-" + suffix + " differs from the configuration")
                .hasMessageContaining("table key is [user_id HASH, log_id RANGE], expected [user_id HASH, entry_id RANGE]")
                .hasMessageContaining("index day-index (local) is missing");
    }
}
