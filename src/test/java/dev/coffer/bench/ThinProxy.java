package dev.coffer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The floor under Coffer's overhead: the thinnest HTTP service in front of the same SDK calls the
 * direct side makes. A bare Jetty 12 handler (no servlet layer, no Javalin) on a pool of platform
 * threads, Coffer's URL layout so the same wrk scripts drive it, and nothing else: no
 * authentication, no validation, no limits, no problem bodies, no request ids. No product should
 * ship this; it is here to measure what one loopback HTTP hop plus JSON costs on this machine, so
 * the bench can tell that cost apart from what Coffer's own stack adds on top of it.
 */
final class ThinProxy implements AutoCloseable {
    private static final String ITEMS = "/api/v1/collections/bench/items";
    private static final String FILES = "/api/v1/files/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final URI base;

    private ThinProxy(Server server, URI base) {
        this.server = server;
        this.base = base;
    }

    /** Serves {@code user}'s items in {@code table} and the objects under {@code prefix} in {@code bucket}. */
    static ThinProxy start(DynamoDbClient ddb, String table, String user, S3Client s3, String bucket, String prefix)
            throws Exception {
        var threads = new QueuedThreadPool(256 + 32, 8);
        threads.setName("thin-proxy");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = request.getHttpURI().getPath();
                String method = request.getMethod();
                if (path.equals(ITEMS) && method.equals("POST")) {
                    Content.Source.asInputStream(request).readAllBytes();
                    String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
                    String id = UUID.randomUUID().toString();
                    ddb.putItem(b -> b.tableName(table).item(Map.of(
                                    "user_id", AttributeValue.fromS(user), "id", AttributeValue.fromS(id),
                                    "n", AttributeValue.fromN("1"), "created_at", AttributeValue.fromS(now),
                                    "updated_at", AttributeValue.fromS(now), "version", AttributeValue.fromN("1")))
                            .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "user_id")));
                    json(response, callback, 201, Map.of("id", id, "n", 1, "created_at", now, "updated_at", now, "version", 1));
                } else if (path.equals(ITEMS) && method.equals("GET")) {
                    var items = ddb.query(b -> b.tableName(table).consistentRead(true).keyConditionExpression("user_id = :u")
                            .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(user))).limit(20)).items();
                    json(response, callback, 200, Map.of("items", items.stream().map(ThinProxy::plain).toList()));
                } else if (path.startsWith(ITEMS + "/") && method.equals("GET")) {
                    String id = path.substring(ITEMS.length() + 1);
                    var item = ddb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                            "user_id", AttributeValue.fromS(user), "id", AttributeValue.fromS(id)))).item();
                    json(response, callback, 200, plain(item));
                } else if (path.startsWith(FILES) && method.equals("PUT")) {
                    byte[] body = Content.Source.asInputStream(request).readAllBytes();
                    s3.putObject(b -> b.bucket(bucket).key(prefix + path.substring(FILES.length())), RequestBody.fromBytes(body));
                    json(response, callback, 201, Map.of("size", body.length));
                } else if (path.startsWith(FILES) && method.equals("GET")) {
                    try (InputStream object = s3.getObject(b -> b.bucket(bucket).key(prefix + path.substring(FILES.length())));
                         OutputStream out = Content.Sink.asOutputStream(response)) {
                        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                        object.transferTo(out);
                    }
                    callback.succeeded();
                } else {
                    Response.writeError(request, response, callback, 404);
                }
                return true;
            }
        });
        server.start();
        return new ThinProxy(server, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
    }

    URI base() {
        return base;
    }

    private static Map<String, Object> plain(Map<String, AttributeValue> item) {
        var out = new LinkedHashMap<String, Object>();
        item.forEach((name, value) -> out.put(name, value.s() != null ? value.s() : new java.math.BigDecimal(value.n())));
        return out;
    }

    private static void json(Response response, Callback callback, int status, Object body) throws Exception {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
