package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;

/**
 * A deleted account stays deleted, and nothing of the user remains but the deletion marker:
 * every table is scanned and the bucket listed afterwards. A deletion that fails half-way answers
 * the error, keeps the marker, and is finished by the sweep.
 */
@ExtendWith(SharedEmbeddedServers.class)
class AccountDeletionTest {
    static final String TOML = "[collections.notes]\ntable = \"t-deletion-%s\"\n";

    @Test
    void deleteMe_nothingOfTheUserRemains_tokensRefused_refreshTokensGone(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, TOML.formatted(Long.toHexString(System.nanoTime())), Map.of())) {
            Http http = coffer.http();
            register(http, "Leaving.For.Good@example.com");
            JsonNode phone = login(http, "leaving.for.good@example.com");
            JsonNode laptop = login(http, "LEAVING.FOR.GOOD@example.com");
            // A session with history: two rotations leave two used tokens behind the current one.
            String r1 = phone.path("refresh_token").asText();
            String r2 = refresh(http, r1).path("refresh_token").asText();
            String r3 = refresh(http, r2).path("refresh_token").asText();
            String access = laptop.path("access_token").asText();
            String userId = http.get("/api/v1/auth/me", access).json().path("user_id").asText();
            assertThat(http.postJson("/api/v1/collections/notes/items", access, Map.of("text", "bye")).status()).isEqualTo(201);
            assertThat(http.request("PUT", "/api/v1/files/a/photo.jpg").bearer(access).body(new byte[] {1, 2, 3}, "image/jpeg").send()
                    .status()).isEqualTo(200);
            DynamoDbClient dynamoDb = coffer.server().clients().dynamoDb();
            String users = coffer.server().config().storage().usersTable();
            assertThat(itemsNaming(dynamoDb, users + "-auth", userId)).as("before").hasSizeGreaterThanOrEqualTo(8);

            assertThat(http.request("DELETE", "/api/v1/auth/me").bearer(access).send().status()).isEqualTo(204);

            // The still unexpired token is refused everywhere it could write.
            assertThat(http.postJson("/api/v1/collections/notes/items", access, Map.of("text", "ghost")).status()).isEqualTo(401);
            assertThat(http.request("PUT", "/api/v1/files/ghost.txt").bearer(access).body(new byte[] {1}, "text/plain").send().status())
                    .isEqualTo(401);
            for (String token : List.of(r1, r2, r3, laptop.path("refresh_token").asText())) {
                assertThat(http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", token)).send().status()).isEqualTo(401);
            }
            assertThat(http.request("POST", "/api/v1/auth/login").json(Map.of("email", "leaving.for.good@example.com",
                    "password", "leaving-password")).send().status()).isEqualTo(401);

            // Nothing of the user remains: only the marker names them, and it says done.
            assertThat(itemsNaming(dynamoDb, users + "-auth", userId)).extracting(i -> i.get("pk").s())
                    .containsExactly("deleted#" + userId);
            assertThat(marker(dynamoDb, users, userId)).containsEntry("state", AttributeValue.fromS("done"));
            assertThat(pending(dynamoDb, users)).doesNotContain(userId);
            assertThat(itemsNaming(dynamoDb, users, userId)).isEmpty();
            assertThat(itemsNaming(dynamoDb, coffer.server().config().collections().get("notes").table(), userId)).isEmpty();
            assertThat(objectsOf(coffer.server().clients().s3(), coffer.server().config().storage().bucket(), userId)).isEmpty();
            assertThat(register(http, "leaving.for.good@example.com").status()).isEqualTo(201);
        }
    }

    @Test
    void deletionFailingHalfWay_answersTheError_keepsTheMarker_thenTheSweepFinishesIt(EmbeddedServers stack) throws Exception {
        var clock = MutableClock.atNow();
        try (var s3Proxy = FaultProxy.in(stack.s3().endpoint())) {
            var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), s3Proxy.endpoint());
            env.put("COFFER_AWS_MAX_RETRIES", "0");
            env.put("COFFER_AUTH_DELETION_SWEEP_INTERVAL", "1d");
            try (var coffer = TestCoffer.startRemote(TestCoffer.config(TOML.formatted(Long.toHexString(System.nanoTime())), env), clock)) {
                Http http = coffer.http();
                register(http, "halfway@example.com");
                String access = login(http, "halfway@example.com").path("access_token").asText();
                String userId = http.get("/api/v1/auth/me", access).json().path("user_id").asText();
                assertThat(http.postJson("/api/v1/collections/notes/items", access, Map.of("text", "x")).status()).isEqualTo(201);
                assertThat(http.request("PUT", "/api/v1/files/kept.txt").bearer(access).body(new byte[] {1}, "text/plain").send().status())
                        .isEqualTo(200);
                DynamoDbClient dynamoDb = coffer.server().clients().dynamoDb();
                String users = coffer.server().config().storage().usersTable();
                String bucket = coffer.server().config().storage().bucket();
                String notes = coffer.server().config().collections().get("notes").table();
                AccountDeletions deletions = coffer.server().accountDeletions();

                s3Proxy.mode(FaultProxy.Mode.THROTTLE_S3);
                Http.Response failed = http.request("DELETE", "/api/v1/auth/me").bearer(access).send();

                assertThat(failed.status()).isEqualTo(503);
                assertThat(failed.json().path("code").asText()).isEqualTo("throttled");
                assertThat(marker(dynamoDb, users, userId)).containsEntry("state", AttributeValue.fromS("deleting"));
                assertThat(pending(dynamoDb, users)).contains(userId);
                // Half done: account, sessions and records are gone, the file is still there (and the
                // usage counters, which go last, after the data they count).
                assertThat(itemsNaming(dynamoDb, users, userId)).isEmpty();
                assertThat(itemsNaming(dynamoDb, notes, userId)).isEmpty();
                assertThat(itemsNaming(dynamoDb, users + "-auth", userId)).extracting(i -> i.get("pk").s())
                        .filteredOn(pk -> !pk.startsWith("usage#") && !pk.startsWith("month#")).containsExactly("deleted#" + userId);
                try (S3Client direct = directS3(stack)) {
                    assertThat(objectsOf(direct, bucket, userId)).containsExactly("users/" + userId + "/kept.txt");
                }
                // The user cannot retry (the token is refused from the first step on) ...
                assertThat(http.request("DELETE", "/api/v1/auth/me").bearer(access).send().status()).isEqualTo(401);
                // ... the sweep leaves a fresh deletion to the request that began it ...
                assertThat(deletions.finishPending()).isEqualTo(new AccountDeletions.Sweep(0, 0, 1));
                // ... then takes it over, fails again while S3 still refuses, and keeps the marker ...
                clock.advance(AccountDeletions.TAKE_OVER_AFTER.plusSeconds(1));
                assertThat(deletions.finishPending()).isEqualTo(new AccountDeletions.Sweep(0, 1, 0));
                assertThat(marker(dynamoDb, users, userId)).containsEntry("state", AttributeValue.fromS("deleting"));

                // ... and finishes it once S3 answers again.
                s3Proxy.mode(FaultProxy.Mode.PASS);
                clock.advance(AccountDeletions.TAKE_OVER_AFTER.plusSeconds(1));
                assertThat(deletions.finishPending()).isEqualTo(new AccountDeletions.Sweep(1, 0, 0));

                try (S3Client direct = directS3(stack)) {
                    assertThat(objectsOf(direct, bucket, userId)).isEmpty();
                }
                assertThat(marker(dynamoDb, users, userId)).containsEntry("state", AttributeValue.fromS("done"));
                assertThat(pending(dynamoDb, users)).doesNotContain(userId);
                assertThat(itemsNaming(dynamoDb, users + "-auth", userId)).extracting(i -> i.get("pk").s()).containsExactly("deleted#" + userId);
                assertThat(deletions.finishPending()).isEqualTo(new AccountDeletions.Sweep(0, 0, 0));
                assertThat(http.get("/api/v1/auth/me", access).status()).isEqualTo(401);
            }
        }
    }

    @Test
    void filesXmlCannotCarry_storedByOlderVersions_stillListedAndDeleted(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, TOML.formatted(Long.toHexString(System.nanoTime())), Map.of())) {
            Http http = coffer.http();
            register(http, "odd.names@example.com");
            String access = login(http, "odd.names@example.com").path("access_token").asText();
            String userId = http.get("/api/v1/auth/me", access).json().path("user_id").asText();
            S3Client s3 = coffer.server().clients().s3();
            String bucket = coffer.server().config().storage().bucket();
            // What an older Coffer accepted: a noncharacter, a vertical tab, a carriage return.
            for (String name : List.of("bad\uffff.txt", "tab\u000b.txt", "cr\r.txt", "fine.txt")) {
                s3.putObject(b -> b.bucket(bucket).key("users/" + userId + "/" + name), RequestBody.fromString("x"));
            }
            s3.createMultipartUpload(b -> b.bucket(bucket).key("users/" + userId + "/unfinished.bin"));
            try {
                s3.createMultipartUpload(b -> b.bucket(bucket).key("users/" + userId + "/unfinished\ufffe.bin"));
            } catch (software.amazon.awssdk.core.exception.SdkClientException answerNotXml) {
                // begun all the same; only its answer, which repeats the key, cannot be parsed
            }
            assertThat(s3.listMultipartUploads(b -> b.bucket(bucket).prefix("users/" + userId + "/").encodingType(EncodingType.URL))
                    .uploads()).hasSize(2);

            Http.Response listed = http.get("/api/v1/files", access);
            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            assertThat(listed.json().path("files").findValuesAsText("path")).containsExactlyInAnyOrder("bad\uffff.txt", "tab\u000b.txt",
                    "cr\r.txt", "fine.txt");

            assertThat(http.request("DELETE", "/api/v1/auth/me").bearer(access).send().status()).isEqualTo(204);

            assertThat(objectsOf(s3, bucket, userId)).isEmpty();
            assertThat(s3.listMultipartUploads(b -> b.bucket(bucket).prefix("users/" + userId + "/").encodingType(EncodingType.URL))
                    .uploads()).isEmpty();
        }
    }

    static Http.Response register(Http http, String email) {
        return http.request("POST", "/api/v1/auth/register")
                .json(Map.of("email", email, "password", "leaving-password", "full_name", "L")).send();
    }

    static JsonNode login(Http http, String email) {
        Http.Response r = http.request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", "leaving-password")).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode refresh(Http http, String token) {
        Http.Response r = http.request("POST", "/api/v1/auth/refresh").json(Map.of("refresh_token", token)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Every item of {@code table} whose {@code user_id} is the user's or whose key names the user. */
    static List<Map<String, AttributeValue>> itemsNaming(DynamoDbClient dynamoDb, String table, String userId) {
        var found = new ArrayList<Map<String, AttributeValue>>();
        dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> {
            boolean owned = item.containsKey("user_id") && userId.equals(item.get("user_id").s());
            boolean named = item.containsKey("pk") && item.get("pk").s().contains(userId);
            if (owned || named) {
                found.add(item);
            }
        });
        return found;
    }

    static Map<String, AttributeValue> marker(DynamoDbClient dynamoDb, String users, String userId) {
        return dynamoDb.getItem(b -> b.tableName(users + "-auth").key(Map.of("pk", AttributeValue.fromS("deleted#" + userId)))
                .consistentRead(true)).item();
    }

    static List<String> pending(DynamoDbClient dynamoDb, String users) {
        var item = dynamoDb.getItem(b -> b.tableName(users + "-auth").key(Map.of("pk", AttributeValue.fromS(AccountStore.PENDING_DELETIONS)))
                .consistentRead(true)).item();
        return item.containsKey("ids") ? item.get("ids").ss() : List.of();
    }

    static List<String> objectsOf(S3Client s3, String bucket, String userId) {
        return s3.listObjectsV2(b -> b.bucket(bucket).prefix("users/" + userId + "/").encodingType(EncodingType.URL)).contents().stream()
                .map(o -> o.key()).toList();
    }

    /** An S3 client straight to the embedded S3Proxy, past the fault proxy. */
    static S3Client directS3(EmbeddedServers stack) {
        return S3Client.builder().endpointOverride(stack.s3().endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID,
                        EmbeddedServers.SECRET_ACCESS_KEY)).build();
    }
}
