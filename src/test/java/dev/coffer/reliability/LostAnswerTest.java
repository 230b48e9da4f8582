package dev.coffer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes that reach DynamoDB or S3 but whose answer is lost on the way back (a loopback proxy
 * drops the connection after the backend acted): the SDK retries them, and a conditional retry
 * may then fail against the write itself. Coffer must still answer success for a write that
 * happened, never 409/412, and store it once.
 */
@ExtendWith(SharedEmbeddedServers.class)
class LostAnswerTest {

    private static TestCoffer cofferVia(FaultProxy ddb, FaultProxy s3) {
        String table = "lost-" + Long.toHexString(System.nanoTime());
        return TestCoffer.startRemote(TestCoffer.config("[collections.notes]\ntable = \"" + table + "\"\n",
                TestCoffer.remoteEnv(ddb.endpoint(), s3.endpoint())));
    }

    @Test
    void recordCreateAndReplace_answerLostThenRetried_succeedOnceNotConflict(EmbeddedServers stack) throws Exception {
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint()); var s3 = FaultProxy.in(stack.s3().endpoint());
             var coffer = cofferVia(ddb, s3)) {
            Http http = coffer.http();
            String token = coffer.tokenFor("lost-answer-user");

            ddb.resetCount();
            ddb.mode(FaultProxy.Mode.LOSE_ANSWER_ONCE);
            Http.Response created = http.postJson("/api/v1/collections/notes/items", token, Map.of("text", "first"));

            assertThat(ddb.faultedRequests()).as("one answer was lost").isEqualTo(1);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().path("id").asText();
            Http.Response listed = http.get("/api/v1/collections/notes/items", token);
            assertThat(listed.json().path("items")).hasSize(1);
            assertThat(listed.json().path("items").get(0).path("id").asText()).isEqualTo(id);

            ddb.resetCount();
            ddb.mode(FaultProxy.Mode.LOSE_ANSWER_ONCE);
            Http.Response replaced = http.request("PUT", "/api/v1/collections/notes/items/" + id).bearer(token)
                    .header("If-Match", "\"1\"").json(Map.of("text", "second")).send();

            assertThat(ddb.faultedRequests()).as("one answer was lost").isEqualTo(1);
            assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
            var stored = http.get("/api/v1/collections/notes/items/" + id, token).json();
            assertThat(stored.path("text").asText()).isEqualTo("second");
            assertThat(stored.path("version").asLong()).isEqualTo(2);
        }
    }

    @Test
    void registration_answerLostThenRetried_createdNotEmailTaken(EmbeddedServers stack) throws Exception {
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint()); var s3 = FaultProxy.in(stack.s3().endpoint());
             var coffer = cofferVia(ddb, s3)) {
            Http http = coffer.http();
            ddb.resetCount();
            ddb.mode(FaultProxy.Mode.LOSE_ANSWER_ONCE);
            Http.Response registered = http.request("POST", "/api/v1/auth/register")
                    .json(Map.of("email", "lost@example.com", "password", "correct horse battery", "full_name", "Lost")).send();

            assertThat(ddb.faultedRequests()).as("one answer was lost").isEqualTo(1);
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            Http.Response login = http.request("POST", "/api/v1/auth/login")
                    .json(Map.of("email", "lost@example.com", "password", "correct horse battery")).send();
            assertThat(login.status()).isEqualTo(200);
        }
    }

    @Test
    void createOnlyUpload_answerLostThenRetried_storedNotPreconditionFailed(EmbeddedServers stack) throws Exception {
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint()); var s3 = FaultProxy.in(stack.s3().endpoint());
             var coffer = cofferVia(ddb, s3)) {
            Http http = coffer.http();
            String token = coffer.tokenFor("lost-upload-user");
            s3.resetCount();
            s3.mode(FaultProxy.Mode.LOSE_ANSWER_ONCE);
            Http.Response uploaded = http.request("PUT", "/api/v1/files/once.txt").bearer(token).header("If-None-Match", "*")
                    .body("only once".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain").send();

            assertThat(s3.faultedRequests()).as("one answer was lost").isEqualTo(1);
            assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(200);
            assertThat(http.get("/api/v1/files/once.txt", token).body()).isEqualTo("only once");
        }
    }
}
