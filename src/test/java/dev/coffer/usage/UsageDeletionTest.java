package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.auth.Auth;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Deleting an account removes every usage item of the user (the usage item and every month
 * item) and no later flush writes one again, while another user's items stay.
 */
@ExtendWith(SharedEmbeddedServers.class)
class UsageDeletionTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-11T12:00:00Z"));

    @Test
    void deleteAccount_monthItemsGone_laterFlushWritesNone_otherUserKept(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, """
                [collections.notes]
                table = "t-usage-deletion-%s"
                sort_key = "note_id"
                """.formatted(Long.toHexString(System.nanoTime())), Map.of(), CLOCK)) {
            Http http = coffer.http();
            String leaving = "leaving-usage-u1";
            String staying = "staying-usage-u2";
            for (String token : List.of(coffer.tokenFor(leaving), coffer.tokenFor(staying))) {
                assertThat(http.request("POST", "/api/v1/collections/notes/items").bearer(token)
                        .body("{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8), "application/json").send().status()).isEqualTo(201);
            }
            coffer.server().flushUsage();
            // Last month's item too: deletion takes every month that can still hold one.
            CLOCK.advance(java.time.Duration.ofDays(25));
            String leavingToken = coffer.tokenFor(leaving);
            String stayingToken = coffer.tokenFor(staying);
            assertThat(http.request("POST", "/api/v1/collections/notes/items").bearer(leavingToken)
                    .body("{\"text\":\"january\"}".getBytes(StandardCharsets.UTF_8), "application/json").send().status()).isEqualTo(201);
            coffer.server().flushUsage();
            // Counted, not yet flushed, when the deletion comes.
            assertThat(http.get("/api/v1/auth/me/usage", leavingToken).status()).isEqualTo(200);
            DynamoDbClient dynamoDb = coffer.server().clients().dynamoDb();
            String auth = Auth.authTable(coffer.server().config());
            assertThat(pks(dynamoDb, auth, leaving)).contains("usage#" + leaving, "month#" + leaving + "#2026-12",
                    "month#" + leaving + "#2027-01");
            List<String> stayingBefore = pks(dynamoDb, auth, staying);
            assertThat(stayingBefore).contains("usage#" + staying, "month#" + staying + "#2026-12");

            assertThat(http.request("DELETE", "/api/v1/auth/me").bearer(leavingToken).send().status()).isEqualTo(204);
            coffer.server().flushUsage();

            // Only the deletion marker names the user.
            assertThat(pks(dynamoDb, auth, leaving)).containsExactly("deleted#" + leaving);
            assertThat(pks(dynamoDb, auth, staying)).containsExactlyInAnyOrderElementsOf(stayingBefore);
            assertThat(http.get("/api/v1/auth/me/usage", stayingToken).json().path("collections").path("notes").path("count").asLong())
                    .isEqualTo(1);
        }
    }

    /**
     * Another instance's counts of a user whose deletion began there: no deleteAllFor ran on this
     * instance, and the transaction's check of the deletion marker alone keeps the item away.
     */
    @Test
    void flush_userWithDeletionMarker_writesNoMonthItem_otherUserWritten(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of(), CLOCK)) {
            DynamoDbClient dynamoDb = coffer.server().clients().dynamoDb();
            String auth = Auth.authTable(coffer.server().config());
            String deleted = "marked-usage-u3";
            String kept = "kept-usage-u4";
            var tally = new Tally(CLOCK);
            try (var months = MonthlyCounters.start(dynamoDb, auth, tally, CLOCK, java.time.Duration.ofHours(1))) {
                tally.request(new dev.coffer.identity.UserId(deleted), "records", true);
                tally.request(new dev.coffer.identity.UserId(kept), "records", true);
                dynamoDb.putItem(b -> b.tableName(auth).item(Map.of("pk", AttributeValue.fromS("deleted#" + deleted),
                        "deleted_at", AttributeValue.fromS(CLOCK.instant().toString()))));

                months.flush();

                var month = java.time.YearMonth.from(CLOCK.instant().atZone(java.time.ZoneOffset.UTC));
                assertThat(pks(dynamoDb, auth, deleted)).containsExactly("deleted#" + deleted);
                assertThat(pks(dynamoDb, auth, kept)).containsExactly("month#" + kept + "#" + month);
                assertThat(months.read(new dev.coffer.identity.UserId(kept), month).requests()).containsEntry("records:write", 1L);
            }
        }
    }

    /** The pk of every item of the auth table that names {@code user} (a consistent Scan). */
    private static List<String> pks(DynamoDbClient dynamoDb, String table, String user) {
        var found = new ArrayList<String>();
        dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> {
            AttributeValue owner = item.get("user_id");
            String pk = item.get("pk").s();
            if (pk.contains(user) || (owner != null && user.equals(owner.s()))) {
                found.add(pk);
            }
        });
        return found;
    }
}
