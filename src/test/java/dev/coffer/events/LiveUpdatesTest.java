package dev.coffer.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.SharedTables;
import dev.coffer.testing.SseClient;
import dev.coffer.testing.TestCoffer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live updates across two instances on the same tables: a write through A reaches a subscriber on
 * B (from the collection table's DynamoDB stream, which both read), only the owner's subscribers
 * get it, and Last-Event-ID resumes on the other instance without loss.
 */
@ExtendWith(SharedEmbeddedServers.class)
class LiveUpdatesTest {
    private static TestCoffer a;
    private static TestCoffer b;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String toml = "[collections.notes]\ntable = \"t-live-notes-" + suffix + "\"\n[collections.tasks]\ntable = \"t-live-tasks-" + suffix + "\"\n";
        Map<String, String> env = SharedTables.env(Map.of("COFFER_EVENTS_POLL_INTERVAL", "100ms", "COFFER_EVENTS_HEARTBEAT_INTERVAL", "1s"));
        a = TestCoffer.start(stack, toml, env);
        b = TestCoffer.start(stack, toml, env);
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
    }

    private static URI base(TestCoffer instance) {
        return URI.create("http://127.0.0.1:" + instance.server().port() + "/");
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private static Http.Response write(TestCoffer via, String method, String path, String token, Map<String, Object> body) {
        Http.Request request = via.http().request(method, path).bearer(token);
        if (body != null) {
            request.json(body);
        }
        return request.send();
    }

    private static JsonNode data(SseClient.Event event) throws Exception {
        return Json.mapper().readTree(event.data());
    }

    @Test
    void writeThroughA_reachesTheOwnersSubscriberOnB_inOrder_andNobodyElses() throws Exception {
        String alice = a.tokenFor(user());
        String bob = a.tokenFor(user());
        try (SseClient aliceOnB = SseClient.open(base(b), "/api/v1/collections/notes/events", alice, null);
             SseClient bobOnA = SseClient.open(base(a), "/api/v1/events", bob, null)) {
            assertThat(aliceOnB.status()).isEqualTo(200);
            assertThat(aliceOnB.contentType()).startsWith("text/event-stream");
            assertThat(aliceOnB.next().name()).isEqualTo("ready");
            assertThat(bobOnA.next().name()).isEqualTo("ready");

            assertThat(write(a, "POST", "/api/v1/collections/notes/items", alice, Map.of("id", "n1", "text", "one")).status()).isEqualTo(201);
            assertThat(write(a, "PATCH", "/api/v1/collections/notes/items/n1", alice, Map.of("text", "two")).status()).isEqualTo(200);
            assertThat(write(b, "DELETE", "/api/v1/collections/notes/items/n1", alice, null).status()).isEqualTo(204);
            // Bob's own write, after Alice's: the only event Bob's stream may carry.
            assertThat(write(a, "POST", "/api/v1/collections/tasks/items", bob, Map.of("id", "t1")).status()).isEqualTo(201);

            List<SseClient.Event> changes = aliceOnB.nextChanges(3);
            assertThat(changes).extracting(e -> data(e).path("type").asText()).containsExactly("create", "update", "delete");
            assertThat(data(changes.get(0)).path("item").path("text").asText()).isEqualTo("one");
            assertThat(data(changes.get(1)).path("item").path("text").asText()).isEqualTo("two");
            assertThat(changes).allSatisfy(e -> assertThat(data(e).path("id").asText()).isEqualTo("n1"));
            assertThat(changes).extracting(SseClient.Event::id).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith("notes=s:"));

            SseClient.Event bobs = bobOnA.nextChanges(1).getFirst();
            assertThat(data(bobs).path("collection").asText()).isEqualTo("tasks");
            assertThat(data(bobs).path("id").asText()).isEqualTo("t1");
            assertThat(bobs.data()).doesNotContain("n1");
        }
    }

    @Test
    void lastEventId_resumesOnTheOtherInstance_withWhatWasMissed_andNothingTwice() throws Exception {
        String carol = a.tokenFor(user());
        String lastId;
        try (SseClient first = SseClient.open(base(a), "/api/v1/events", carol, null)) {
            first.next();
            write(b, "POST", "/api/v1/collections/notes/items", carol, Map.of("id", "r1"));
            lastId = first.nextChanges(1).getFirst().id();
        }
        // Written while Carol is disconnected, through both instances.
        write(a, "POST", "/api/v1/collections/notes/items", carol, Map.of("id", "r2"));
        write(b, "POST", "/api/v1/collections/tasks/items", carol, Map.of("id", "r3"));
        write(a, "PUT", "/api/v1/collections/notes/items/r2", carol, Map.of("text", "again"));
        try (SseClient resumed = SseClient.open(base(b), "/api/v1/events", carol, lastId)) {
            assertThat(resumed.next().name()).isEqualTo("ready");
            List<SseClient.Event> missed = resumed.nextChanges(3);
            assertThat(missed).extracting(e -> data(e).path("id").asText() + ":" + data(e).path("type").asText())
                    .containsExactlyInAnyOrder("r2:create", "r3:create", "r2:update");
            assertThat(missed).extracting(e -> data(e).path("id").asText()).doesNotContain("r1");
            // Per item, in the order written.
            assertThat(missed.stream().filter(e -> e.data().contains("\"r2\"")).map(e -> e.data().contains("\"update\"")).toList())
                    .containsExactly(false, true);
        }
    }

    @Test
    void refusals_noToken401_unknownCollection404_badLastEventId400() {
        assertThat(a.http().request("GET", "/api/v1/events").send().status()).isEqualTo(401);
        String dave = a.tokenFor(user());
        Http.Response unknown = a.http().request("GET", "/api/v1/collections/nope/events").bearer(dave).send();
        assertThat(unknown.status()).isEqualTo(404);
        Http.Response bad = a.http().request("GET", "/api/v1/events").bearer(dave).header("Last-Event-ID", "notes=s:x").send();
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("code").asText()).isEqualTo("validation_failed");
        assertThat(bad.json().path("detail").asText()).startsWith("Last-Event-ID");
    }

    @Test
    void idleStream_getsHeartbeats() {
        try (SseClient idle = SseClient.open(base(a), "/api/v1/collections/tasks/events", a.tokenFor(user()), null)) {
            idle.next();
            String other = a.tokenFor(user());
            // Another user's write wakes nothing on this stream; the heartbeat comes on its own.
            write(a, "POST", "/api/v1/collections/tasks/items", other, Map.of("id", "h1"));
            while (idle.heartbeats() == 0) {
                Thread.onSpinWait();
            }
            assertThat(idle.heartbeats()).isPositive();
        }
    }
}
