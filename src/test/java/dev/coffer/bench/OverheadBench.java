package dev.coffer.bench;

import dev.coffer.local.LocalStack;
import dev.coffer.testing.TestCoffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Coffer's HTTP API against direct AWS SDK calls to the same embedded DynamoDB Local and S3Proxy,
 * same operations, same concurrency, same run. The load generator is the JDK HttpClient on virtual
 * threads (for Coffer) and the SDK's own blocking clients (direct), both on loopback, bounded.
 */
final class OverheadBench {
    record Row(String operation, int clients, LoadRunner.Result direct, LoadRunner.Result coffer) {
    }

    /**
     * Runs every operation whose name contains one of {@code only} (all when empty) at each client
     * count in {@code concurrency}, {@code perCell} per measured run.
     */
    static List<Row> run(Duration perCell, List<Integer> concurrency, List<String> only) throws Exception {
        var rows = new ArrayList<Row>();
        try (LocalStack stack = LocalStack.inMemory().start("bench overhead");
             var coffer = TestCoffer.start(stack, "[collections.bench]\ntable = \"bench-coffer\"\n", Map.of())) {
            var credentials = AwsBasicCredentials.create(LocalStack.ACCESS_KEY_ID, LocalStack.SECRET_ACCESS_KEY);
            var http = ApacheHttpClient.builder().maxConnections(256).build();
            DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(stack.dynamoDb().endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(() -> credentials).httpClient(http).build();
            S3Client s3 = S3Client.builder().endpointOverride(stack.s3().endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(() -> credentials).httpClient(http).build();
            String table = "bench-coffer";   // the same table: direct calls use another user id
            String bucket = coffer.server().config().storage().bucket();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://127.0.0.1:" + coffer.server().port());
            String token = coffer.tokenFor("bench-user");
            byte[] oneKb = new byte[1024];
            byte[] oneMb = new byte[1024 * 1024];
            ThreadLocalRandom.current().nextBytes(oneMb);
            // Seed: 20+ items for both sides, and the files to download.
            for (int i = 0; i < 40; i++) {
                String id = "seed-%03d".formatted(i);
                ddb.putItem(b -> b.tableName(table).item(Map.of("user_id", AttributeValue.fromS("direct-user"), "id", AttributeValue.fromS(id),
                        "n", AttributeValue.fromN("1"))));
                send(client, HttpRequest.newBuilder(base.resolve("/api/v1/collections/bench/items")).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"n\":1}")).build());
            }
            s3.putObject(b -> b.bucket(bucket).key("direct/1kb"), RequestBody.fromBytes(oneKb));
            s3.putObject(b -> b.bucket(bucket).key("direct/1mb"), RequestBody.fromBytes(oneMb));
            put(client, base, token, "1kb", oneKb);
            put(client, base, token, "1mb", oneMb);

            record Op(String name, LoadRunner.OperationFactory direct, LoadRunner.OperationFactory coffer) {
            }
            LoadRunner.OperationFactory directCreate = c -> () -> ddb.putItem(b -> b.tableName(table).item(Map.of(
                    "user_id", AttributeValue.fromS("direct-user"), "id", AttributeValue.fromS(java.util.UUID.randomUUID().toString()),
                    "n", AttributeValue.fromN("1"))));
            LoadRunner.OperationFactory directGet = c -> () -> ddb.getItem(b -> b.tableName(table).key(Map.of(
                    "user_id", AttributeValue.fromS("direct-user"), "id", AttributeValue.fromS(seed()))));
            LoadRunner.OperationFactory directQuery = c -> () -> ddb.query(b -> b.tableName(table)
                    .keyConditionExpression("user_id = :u").expressionAttributeValues(Map.of(":u", AttributeValue.fromS("direct-user")))
                    .limit(20));
            String auth = "Bearer " + token;
            LoadRunner.OperationFactory cofferCreate = c -> () -> send(client, HttpRequest.newBuilder(base.resolve("/api/v1/collections/bench/items"))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build());
            LoadRunner.OperationFactory cofferGet = c -> () -> send(client, HttpRequest.newBuilder(
                    base.resolve("/api/v1/collections/bench/items/" + seed())).header("Authorization", auth).build());
            LoadRunner.OperationFactory cofferQuery = c -> () -> send(client, HttpRequest.newBuilder(
                    base.resolve("/api/v1/collections/bench/items?limit=20")).header("Authorization", auth).build());
            var ops = List.of(
                    new Op("create item", directCreate, cofferCreate),
                    new Op("get item", directGet, cofferGet),
                    new Op("query 20 items", directQuery, cofferQuery),
                    new Op("upload 1 KB", c -> () -> s3.putObject(b -> b.bucket(bucket).key("direct/up-" + c), RequestBody.fromBytes(oneKb)),
                            c -> () -> put(client, base, token, "up-" + c, oneKb)),
                    new Op("download 1 KB", c -> () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("direct/1kb")),
                            c -> () -> send(client, HttpRequest.newBuilder(base.resolve("/api/v1/files/1kb")).header("Authorization", auth).build())),
                    new Op("upload 1 MB", c -> () -> s3.putObject(b -> b.bucket(bucket).key("direct/upm-" + c), RequestBody.fromBytes(oneMb)),
                            c -> () -> put(client, base, token, "upm-" + c, oneMb)),
                    new Op("download 1 MB", c -> () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("direct/1mb")),
                            c -> () -> send(client, HttpRequest.newBuilder(base.resolve("/api/v1/files/1mb")).header("Authorization", auth).build())));
            for (Op op : ops) {
                if (!only.isEmpty() && only.stream().noneMatch(op.name()::contains)) {
                    continue;
                }
                for (int clients : concurrency) {
                    // A short warm-up of both paths, then the measured runs back to back.
                    LoadRunner.run(op.name(), clients, Duration.ofMillis(500), 100_000, op.direct());
                    LoadRunner.run(op.name(), clients, Duration.ofMillis(500), 100_000, op.coffer());
                    var direct = LoadRunner.run(op.name(), clients, perCell, 1_000_000, op.direct());
                    var viaCoffer = LoadRunner.run(op.name(), clients, perCell, 1_000_000, op.coffer());
                    rows.add(new Row(op.name(), clients, direct, viaCoffer));
                }
            }
            ddb.close();
            s3.close();
            http.close();
        }
        return rows;
    }

    private static String seed() {
        return "seed-%03d".formatted(ThreadLocalRandom.current().nextInt(40));
    }

    private static Object put(HttpClient client, URI base, String token, String path, byte[] body) throws Exception {
        return send(client, HttpRequest.newBuilder(base.resolve("/api/v1/files/" + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static Object send(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        return response;
    }

}
