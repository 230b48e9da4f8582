package dev.coffer.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.LocalStack;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedLocalStack;
import dev.coffer.testing.TestCoffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad requests are refused by Coffer itself: a counting proxy in front of DynamoDB sees none of them. */
@ExtendWith(SharedLocalStack.class)
class RecordsBadInputNeverReachesDynamoDbTest {

    @Test
    void badRequests_zeroDynamoDbCalls(LocalStack stack) throws Exception {
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint())) {
            var env = TestCoffer.remoteEnv(ddb.endpoint(), stack.s3().endpoint());
            String toml = RecordsApiTest.TOML.formatted(Long.toHexString(System.nanoTime()));
            // A clock that stands still: the deletion-marker check of authentication, made once and then
            // remembered for DeletedUsers.REMEMBER_LIVE, is not repeated however slow the machine.
            try (var coffer = TestCoffer.startRemote(TestCoffer.config(toml, env), dev.coffer.testing.MutableClock.atNow())) {
                Http http = coffer.http();
                String token = coffer.tokenFor("carol");
                // Authentication reads carol's deletion marker once (a real DynamoDB call); the bad requests then add none.
                assertThat(http.get("/api/v1/auth/whoami", token).status()).isEqualTo(200);
                int before = ddb.passedRequests();

                assertThat(http.get("/api/v1/collections/nope/items", token).status()).isEqualTo(404);
                assertThat(http.get("/api/v1/collections/scans/items?index=nope", token).status()).isEqualTo(400);
                assertThat(http.get("/api/v1/collections/scans/items?cursor=not.valid", token).status()).isEqualTo(400);
                assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(token).json("[]").send().status())
                        .isEqualTo(400);
                assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(token)
                        .json("{\"a\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").send().status()).isEqualTo(413);
                assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(token)
                        .json("{\"a\":\"" + "x".repeat(420 * 1024) + "\"}").send().status()).isEqualTo(413);
                assertThat(http.request("POST", "/api/v1/collections/scans/items").bearer(token)
                        .json(Map.of("version", 7)).send().status()).isEqualTo(400);
                assertThat(http.request("POST", "/api/v1/collections/scans/items").json(Map.of("a", 1)).send().status())
                        .isEqualTo(401);

                assertThat(ddb.passedRequests()).isEqualTo(before);
            }
        }
    }
}
