package dev.coffer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coffer.aws.AwsCallRecorder;
import dev.coffer.aws.SdkHttpClients;
import dev.coffer.local.EmbeddedServers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The floor under Coffer's memory and warm-up: the same libraries in the same JVM set-up (Jetty
 * with Coffer's thread pool, the SDK's DynamoDB and S3 clients over Coffer's HTTP client settings,
 * Jackson) serving the peers operations with nothing of Coffer between them: no authentication,
 * routing table, validation, limits, access log, metrics or events. Each request makes the backend
 * calls Coffer's makes for it (an item create: the conditional put and the usage counter's ADD).
 * Run in a JVM of its own by {@link FloorBench}:
 * <ul>
 *   <li>{@code embedded DATA_DIR PORT}: DynamoDB Local (called in-process, as Coffer's embedded
 *       default calls it) and S3Proxy in this JVM, on disk;</li>
 *   <li>{@code remote DYNAMODB_URL S3_URL PORT}: backends elsewhere, over HTTP.</li>
 * </ul>
 * Prints {@code ready} when it serves ({@code GET /health} answers), then {@code seeded} once the
 * profile, items and files are in; {@code POST /exit} ends it normally (a cache training run).
 */
public final class StackAlone {
    private static final String TABLE = "stack_floor";
    private static final String BUCKET = "stack-floor";
    private static final String OWNER = "user#1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StackAlone() {
    }

    public static void main(String[] args) throws Exception {
        dev.coffer.support.logging.LogSetup.configure(false, "warn");
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY));
        Region region = Region.of(EmbeddedServers.REGION);
        SdkHttpClient http = SdkHttpClients.apache().create();
        DynamoDbClient dynamoDb;
        URI s3Endpoint;
        int port;
        if (args[0].equals("embedded")) {
            EmbeddedServers servers = EmbeddedServers.onDisk(Path.of(args[1])).start(args[1]);
            dynamoDb = servers.dynamoDb().inJvm().orElseThrow().dynamoDb(new AwsCallRecorder(), false);
            s3Endpoint = servers.s3().endpoint();
            port = Integer.parseInt(args[2]);
        } else {
            dynamoDb = DynamoDbClient.builder().httpClient(http).region(region).credentialsProvider(credentials)
                    .endpointOverride(URI.create(args[1])).build();
            s3Endpoint = URI.create(args[2]);
            port = Integer.parseInt(args[3]);
        }
        S3Client s3 = S3Client.builder().httpClient(http).region(region).credentialsProvider(credentials)
                .endpointOverride(s3Endpoint)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
        provision(dynamoDb, s3);

        var threads = new QueuedThreadPool(552, 4, 60_000);   // Coffer's pool at its default 512 request slots
        Server server = new Server(threads);
        var connector = new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Operations(dynamoDb, s3));
        server.start();
        System.out.println("ready http://127.0.0.1:" + port);
        System.out.flush();
        // What a client of the bench puts in after the first 200 (Coffer's are put in through its API).
        seed(dynamoDb, s3);
        System.out.println("seeded");
        System.out.flush();
        System.gc();
        // Until killed, or POST /exit (a normal exit, which writes a training run's cache): the
        // process's end closes the servers and clients.
        server.join();
    }

    /** The table (with a stream, as Coffer's collections have) and the bucket, before the first 200 (as Coffer's provisioning). */
    private static void provision(DynamoDbClient dynamoDb, S3Client s3) {
        try {
            dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        } catch (ResourceInUseException e) {
            // a second start on the same backends
        }
        try {
            s3.createBucket(b -> b.bucket(BUCKET));
        } catch (BucketAlreadyOwnedByYouException e) {
            // the same
        }
    }

    /** A profile, 40 items and two files. */
    private static void seed(DynamoDbClient dynamoDb, S3Client s3) {
        dynamoDb.putItem(b -> b.tableName(TABLE).item(Map.of("pk", s(OWNER), "sk", s("profile"), "email", s("floor@example.com"),
                "created", s("2026-12-03T00:00:00Z"))));
        for (int i = 0; i < 40; i++) {
            String id = "seed-%03d".formatted(i);
            dynamoDb.putItem(b -> b.tableName(TABLE).item(item(id, 1)));
        }
        s3.putObject(b -> b.bucket(BUCKET).key("1kb"), RequestBody.fromBytes(new byte[1024]));
        s3.putObject(b -> b.bucket(BUCKET).key("1mb"), RequestBody.fromBytes(new byte[1024 * 1024]));
    }

    private static Map<String, AttributeValue> item(String id, int n) {
        return Map.of("pk", s(OWNER), "sk", s("item#" + id), "id", s(id), "n", AttributeValue.fromN(Integer.toString(n)),
                "updated", s("2026-12-03T00:00:00Z"));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /** GET /profile, GET /items/ID, GET /items, GET /files/NAME, POST /items; GET /health, POST /exit. */
    private static final class Operations extends Handler.Abstract {
        private final DynamoDbClient dynamoDb;
        private final S3Client s3;
        private final AtomicLong ids = new AtomicLong();

        Operations(DynamoDbClient dynamoDb, S3Client s3) {
            super(InvocationType.BLOCKING);
            this.dynamoDb = dynamoDb;
            this.s3 = s3;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            boolean post = request.getMethod().equals("POST");
            if (!post && path.equals("/health")) {
                return json(response, callback, 200, Map.of("status", "ok"));
            }
            if (post && path.equals("/exit")) {
                Thread.startVirtualThread(() -> System.exit(0));
                return json(response, callback, 200, Map.of());
            }
            if (!post && path.equals("/profile")) {
                return json(response, callback, 200, plain(dynamoDb.getItem(b -> b.tableName(TABLE)
                        .key(Map.of("pk", s(OWNER), "sk", s("profile")))).item()));
            }
            if (!post && path.startsWith("/items/")) {
                var found = dynamoDb.getItem(b -> b.tableName(TABLE)
                        .key(Map.of("pk", s(OWNER), "sk", s("item#" + path.substring("/items/".length()))))).item();
                return found.isEmpty() ? json(response, callback, 404, Map.of()) : json(response, callback, 200, plain(found));
            }
            if (!post && path.equals("/items")) {
                var page = dynamoDb.query(b -> b.tableName(TABLE).limit(20)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :items)")
                        .expressionAttributeValues(Map.of(":pk", s(OWNER), ":items", s("item#"))));
                var items = new ArrayList<Map<String, Object>>();
                page.items().forEach(i -> items.add(plain(i)));
                return json(response, callback, 200, Map.of("items", items));
            }
            if (post && path.equals("/items")) {
                Map<?, ?> body;
                try (InputStream in = Content.Source.asInputStream(request)) {
                    body = JSON.readValue(in, Map.class);
                }
                String id = "new-" + ProcessHandle.current().pid() + "-" + ids.incrementAndGet();
                int n = body.get("n") instanceof Number number ? number.intValue() : 0;
                dynamoDb.updateItem(b -> b.tableName(TABLE).key(Map.of("pk", s(OWNER), "sk", s("usage")))
                        .updateExpression("ADD item_count :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
                dynamoDb.putItem(b -> b.tableName(TABLE).item(item(id, n)).conditionExpression("attribute_not_exists(pk)"));
                return json(response, callback, 201, Map.of("id", id, "n", n));
            }
            if (!post && path.startsWith("/files/")) {
                try (var object = s3.getObject(b -> b.bucket(BUCKET).key(path.substring("/files/".length())))) {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, object.response().contentLength());
                    try (OutputStream out = Content.Sink.asOutputStream(response)) {
                        object.transferTo(out);
                    }
                }
                callback.succeeded();
                return true;
            }
            return json(response, callback, 404, Map.of());
        }

        private static boolean json(Response response, Callback callback, int status, Object body) throws Exception {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
            return true;
        }

        private static Map<String, Object> plain(Map<String, AttributeValue> item) {
            var out = new LinkedHashMap<String, Object>();
            item.forEach((name, value) -> out.put(name, value.n() != null ? Long.valueOf(value.n()) : value.s()));
            return out;
        }
    }
}
