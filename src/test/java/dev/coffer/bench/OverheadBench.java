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
    /** The measured time of a cell is split into this many direct/Coffer pairs of slices. */
    static final int SLICES = 3;

    record Row(String operation, int clients, LoadRunner.Result direct, LoadRunner.Result coffer) {
    }

    /**
     * Runs every operation whose name contains one of {@code only} (all when empty) at each client
     * count in {@code concurrency}: {@code warmUp} of each side, then {@code perCell} of each side
     * measured in {@link #SLICES} alternating slices.
     */
    static List<Row> run(Duration perCell, Duration warmUp, List<Integer> concurrency, List<String> only) throws Exception {
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
            // Like with like: Coffer writes a new item only if the id is free (attribute_not_exists)
            // and stores created_at, updated_at and version beside the client's attributes; it reads
            // with strongly consistent reads (a client reads its own writes). The direct calls do
            // the same, so the difference measured is Coffer's hop, not a cheaper DynamoDB call.
            LoadRunner.OperationFactory directCreate = c -> () -> {
                String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
                return ddb.putItem(b -> b.tableName(table).item(Map.of(
                        "user_id", AttributeValue.fromS("direct-user"), "id", AttributeValue.fromS(java.util.UUID.randomUUID().toString()),
                        "n", AttributeValue.fromN("1"), "created_at", AttributeValue.fromS(now), "updated_at", AttributeValue.fromS(now),
                        "version", AttributeValue.fromN("1")))
                        .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "user_id")));
            };
            LoadRunner.OperationFactory directGet = c -> () -> ddb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                    "user_id", AttributeValue.fromS("direct-user"), "id", AttributeValue.fromS(seed()))));
            LoadRunner.OperationFactory directQuery = c -> () -> ddb.query(b -> b.tableName(table).consistentRead(true)
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
                    // Warm-up of both paths until the JIT has settled (with half a second the first
                    // cells measured mostly the compiler), then the measured time in interleaved
                    // slices, so that a burst of load from elsewhere on the machine hits both sides
                    // alike instead of whichever ran at that moment.
                    LoadRunner.run(op.name(), clients, warmUp, 1_000_000, op.direct());
                    LoadRunner.run(op.name(), clients, warmUp, 1_000_000, op.coffer());
                    var direct = new ArrayList<LoadRunner.Result>();
                    var viaCoffer = new ArrayList<LoadRunner.Result>();
                    Duration slice = perCell.dividedBy(SLICES);
                    for (int i = 0; i < SLICES; i++) {
                        direct.add(LoadRunner.run(op.name(), clients, slice, 1_000_000, op.direct()));
                        viaCoffer.add(LoadRunner.run(op.name(), clients, slice, 1_000_000, op.coffer()));
                    }
                    rows.add(new Row(op.name(), clients, LoadRunner.Result.merge(direct), LoadRunner.Result.merge(viaCoffer)));
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
