package dev.coffer.bench;

import dev.coffer.local.EmbeddedServers;
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

    /**
     * One cell: the direct SDK calls, the same calls behind {@link ThinProxy} (the floor of any HTTP
     * service in front of the SDK), and Coffer.
     */
    record Row(String operation, int clients, LoadRunner.Result direct, LoadRunner.Result thin, LoadRunner.Result coffer) {
    }

    /**
     * Runs every operation whose name contains one of {@code only} (all when empty) at each client
     * count in {@code concurrency}: {@code warmUp} of each side, then {@code perCell} of each side
     * measured in {@link #SLICES} alternating slices.
     */
    static List<Row> run(BenchBackends backends, Generator generator, Duration perCell, Duration warmUp, List<Integer> concurrency,
                         List<String> only) throws Exception {
        var rows = new ArrayList<Row>();
        // Coffer in remote mode against the backends' endpoints, as it runs against AWS.
        var env = TestCoffer.remoteEnv(backends.dynamoDb(), backends.s3());
        env.put("COFFER_AWS_VALIDATE_CREDENTIALS", "false");
        // Every load-generator connection comes from 127.0.0.1: the per-address cap must not be what is measured.
        env.put("COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "100000");
        try (var coffer = TestCoffer.startRemote(TestCoffer.config("[collections.bench]\ntable = \"bench-coffer\"\n", env))) {
            var credentials = AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY);
            // The same HTTP client settings as Coffer's own (no Expect: 100-continue before PUTs),
            // so the direct side is the best the SDK does, not its defaults.
            var http = ApacheHttpClient.builder().maxConnections(256).expectContinueEnabled(false).build();
            DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(backends.dynamoDb()).region(Region.US_EAST_1)
                    .credentialsProvider(() -> credentials).httpClient(http).build();
            S3Client s3 = S3Client.builder().endpointOverride(backends.s3()).region(Region.US_EAST_1).forcePathStyle(true)
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
            // The thin proxy serves the direct side's items and objects with the direct side's clients.
            var thin = ThinProxy.start(ddb, table, "direct-user", s3, bucket, "direct/");
            URI thinBase = thin.base();

            record Op(String name, LoadRunner.OperationFactory direct, java.util.function.Function<URI, LoadRunner.OperationFactory> coffer,
                      WrkRunner.Request wrk) {
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
            // Coffer's side as the JDK generator sends it, to Coffer or to the thin proxy at `at`.
            java.util.function.Function<URI, LoadRunner.OperationFactory> cofferCreate = at -> c -> () -> send(client,
                    HttpRequest.newBuilder(at.resolve("/api/v1/collections/bench/items")).header("Authorization", auth)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build());
            java.util.function.Function<URI, LoadRunner.OperationFactory> cofferGet = at -> c -> () -> send(client, HttpRequest.newBuilder(
                    at.resolve("/api/v1/collections/bench/items/" + seed())).header("Authorization", auth).build());
            java.util.function.Function<URI, LoadRunner.OperationFactory> cofferQuery = at -> c -> () -> send(client, HttpRequest.newBuilder(
                    at.resolve("/api/v1/collections/bench/items?limit=20")).header("Authorization", auth).build());
            var json = Map.of("Authorization", auth, "Content-Type", "application/json");
            var binary = Map.of("Authorization", auth, "Content-Type", "application/octet-stream");
            var plain = Map.of("Authorization", auth);
            var ops = List.of(
                    new Op("create item", directCreate, cofferCreate,
                            new WrkRunner.Request("POST", "\"/api/v1/collections/bench/items\"", json, "'{\"n\":1}'")),
                    new Op("get item", directGet, cofferGet, new WrkRunner.Request("GET",
                            "string.format(\"/api/v1/collections/bench/items/seed-%03d\", math.random(0, 39))", plain, null)),
                    new Op("query 20 items", directQuery, cofferQuery,
                            new WrkRunner.Request("GET", "\"/api/v1/collections/bench/items?limit=20\"", plain, null)),
                    new Op("upload 1 KB", c -> () -> s3.putObject(b -> b.bucket(bucket).key("direct/up-" + c), RequestBody.fromBytes(oneKb)),
                            at -> c -> () -> put(client, at, token, "up-" + c, oneKb),
                            new WrkRunner.Request("PUT", "\"/api/v1/files/up-\" .. (counter % 64)", binary, "string.rep(\"a\", 1024)")),
                    new Op("download 1 KB", c -> () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("direct/1kb")),
                            at -> c -> () -> send(client, HttpRequest.newBuilder(at.resolve("/api/v1/files/1kb")).header("Authorization", auth).build()),
                            new WrkRunner.Request("GET", "\"/api/v1/files/1kb\"", plain, null)),
                    new Op("upload 1 MB", c -> () -> s3.putObject(b -> b.bucket(bucket).key("direct/upm-" + c), RequestBody.fromBytes(oneMb)),
                            at -> c -> () -> put(client, at, token, "upm-" + c, oneMb),
                            new WrkRunner.Request("PUT", "\"/api/v1/files/upm-\" .. (counter % 64)", binary, "string.rep(\"a\", 1048576)")),
                    new Op("download 1 MB", c -> () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("direct/1mb")),
                            at -> c -> () -> send(client, HttpRequest.newBuilder(at.resolve("/api/v1/files/1mb")).header("Authorization", auth).build()),
                            new WrkRunner.Request("GET", "\"/api/v1/files/1mb\"", plain, null)));
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
                    viaHttp(generator, op.name(), clients, warmUp, op.coffer().apply(thinBase), thinBase, op.wrk());
                    viaHttp(generator, op.name(), clients, warmUp, op.coffer().apply(base), base, op.wrk());
                    var direct = new ArrayList<LoadRunner.Result>();
                    var viaThin = new ArrayList<LoadRunner.Result>();
                    var viaCoffer = new ArrayList<LoadRunner.Result>();
                    Duration slice = perCell.dividedBy(SLICES);
                    for (int i = 0; i < SLICES; i++) {
                        direct.add(LoadRunner.run(op.name(), clients, slice, 1_000_000, op.direct()));
                        viaThin.add(viaHttp(generator, op.name(), clients, slice, op.coffer().apply(thinBase), thinBase, op.wrk()));
                        viaCoffer.add(viaHttp(generator, op.name(), clients, slice, op.coffer().apply(base), base, op.wrk()));
                    }
                    rows.add(new Row(op.name(), clients, LoadRunner.Result.merge(direct), LoadRunner.Result.merge(viaThin),
                            LoadRunner.Result.merge(viaCoffer)));
                }
            }
            thin.close();
            ddb.close();
            s3.close();
            http.close();
        }
        return rows;
    }

    /** Which client drives Coffer's HTTP API. */
    enum Generator {
        /** wrk (C, one thread): little CPU of its own per request. */
        WRK,
        /** The JDK HttpClient on virtual threads, in this JVM. */
        JDK
    }

    /**
     * The load over HTTP against {@code base}: Coffer or the thin proxy. */
    private static LoadRunner.Result viaHttp(Generator generator, String name, int clients, Duration budget,
                                             LoadRunner.OperationFactory jdk, URI base, WrkRunner.Request wrk) throws Exception {
        return generator == Generator.WRK ? WrkRunner.run(name, base, clients, budget, 1_000_000, wrk)
                : LoadRunner.run(name, clients, budget, 1_000_000, jdk);
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
