package dev.coffer.local;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.dynamodb.services.exceptions.AWSExceptionFactory;
import software.amazon.dynamodb.services.exceptions.AmazonServiceExceptionType;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.dispatchers.Dispatcher;
import software.amazon.dynamodb.services.local.exceptions.ExceptionBean;
import software.amazon.dynamodb.services.local.server.DynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.shared.mapper.DynamoDbObjectMapper;

/**
 * The SDK's HTTP client for the embedded DynamoDB Local of this JVM, without HTTP: a request the
 * SDK has marshalled is handed to DynamoDB Local's own dispatcher for its operation,
 * and the dispatcher's JSON answer (or its error) comes back as the response the SDK unmarshals.
 * Everything above the transport stays the SDK's (marshalling, retries, the call timeout, Coffer's
 * interceptors that read consumed capacity), so Coffer sees the same answers as over loopback HTTP;
 * what is saved is the loopback connection, the Apache client's pool and DynamoDB Local's Jetty
 * handling, about a fifth of the CPU of a read on the embedded default (BENCHMARKS.md).
 *
 * <p>It follows {@link LocalDynamoDBServerHandler#handle}: the action from {@code X-Amz-Target},
 * the access key and region from the credential scope of {@code Authorization} when the request is
 * signed (else the local key and region), the request read
 * by DynamoDB Local's object mapper into the operation's class, errors written as its
 * {@link ExceptionBean} with the exception's status. Its dispatch tables are private to DynamoDB
 * Local 3.3.1 (the version the pom pins), so {@link #of} answers null when they are not where that
 * version keeps them and the caller stays on HTTP; {@code InProcessDynamoDbTest} fails first.
 *
 * <p>Thread-safe: DynamoDB Local's handler serves concurrent callers (its Jetty threads did).
 */
final class InProcessDynamoDb implements SdkHttpClient {
    /** What one started DynamoDB Local dispatches with; the owner swaps it on restart. */
    record Dispatch(DynamoDBRequestHandler handler, DynamoDbObjectMapper mapper,
                    Map<String, Dispatcher<Object>> dispatchers, Map<String, Class<?>> requestClasses) {
    }

    /** The region part of a credential scope, as DynamoDB Local accepts it. */
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9]+(-[A-Za-z0-9]+)*");

    private final Supplier<Dispatch> current;

    private InProcessDynamoDb(Supplier<Dispatch> current) {
        this.current = current;
    }

    /** A client dispatching through whatever {@code current} answers; null answers "not running". */
    static InProcessDynamoDb over(Supplier<Dispatch> current) {
        return new InProcessDynamoDb(current);
    }

    /**
     * The dispatch tables of {@code server}, built around {@code handler}: read right after the
     * server handler is constructed (its constructor fills the tables), or null when this DynamoDB
     * Local keeps them elsewhere.
     */
    @SuppressWarnings("unchecked")
    static Dispatch of(LocalDynamoDBServerHandler server, DynamoDBRequestHandler handler) {
        try {
            var mapper = (DynamoDbObjectMapper) EmbeddedDynamoDb.field(server.getClass(), "jsonMapper").get(server);
            var dispatchers = (Map<String, Dispatcher<Object>>) EmbeddedDynamoDb.field(LocalDynamoDBServerHandler.class, "dispatchers").get(null);
            var classes = (Map<String, Class<?>>) EmbeddedDynamoDb.field(LocalDynamoDBServerHandler.class, "classes").get(null);
            if (mapper == null || dispatchers == null || classes == null || !dispatchers.containsKey("GetItem")) {
                return null;
            }
            return new Dispatch(handler, mapper, Map.copyOf(dispatchers), Map.copyOf(classes));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return execute(request);
            }

            @Override
            public void abort() {
                // Nothing to cancel: the call runs on the caller's thread, and the SDK's call timeout interrupts it.
            }
        };
    }

    private HttpExecuteResponse execute(HttpExecuteRequest request) throws IOException {
        Dispatch dispatch = current.get();
        if (dispatch == null) {
            // As a stopped server answers on loopback, so the SDK retries it and AwsErrors names it unreachable.
            throw new ConnectException("embedded DynamoDB Local is not running");
        }
        byte[] body;
        try (InputStream in = request.contentStreamProvider().map(p -> p.newStream()).orElseGet(InputStream::nullInputStream)) {
            body = in.readAllBytes();
        }
        int status = 200;
        byte[] answer;
        try {
            answer = dispatch(dispatch, request.httpRequest(), body);
        } catch (DynamoDBLocalServiceException e) {
            status = e.statusCode();
            answer = dispatch.mapper().writeValueAsBytes(
                    new ExceptionBean(e.getErrorCode(), e.getMessage(), e.getCancellationReasons(), e.getItem()));
        } catch (Exception e) {
            AmazonServiceExceptionType failure = AmazonServiceExceptionType.INTERNAL_FAILURE;
            status = failure.getResponseStatus();
            answer = dispatch.mapper().writeValueAsBytes(new ExceptionBean(failure));
        }
        SdkHttpResponse response = SdkHttpResponse.builder()
                .statusCode(status)
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("Content-Length", Integer.toString(answer.length))
                .build();
        return HttpExecuteResponse.builder()
                .response(response)
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer)))
                .build();
    }

    private static byte[] dispatch(Dispatch dispatch, SdkHttpRequest request, byte[] body) throws Exception {
        String accessKey = EmbeddedServers.ACCESS_KEY_ID;
        String region = EmbeddedServers.REGION;
        // Coffer's own clients send unsigned (AwsClients): over HTTP DynamoDB Local wants an Authorization
        // header only to read a key and region from it, and with its shared database the key selects nothing.
        var authorization = request.firstMatchingHeader("Authorization");
        if (authorization.isPresent()) {
            // "AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/dynamodb/aws4_request, ...": split as DynamoDB Local does.
            String[] scope = authorization.get().split("=|/");
            if (scope.length < 4) {
                throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.MISSING_AUTHENTICATION_TOKEN);
            }
            accessKey = scope[1];
            region = REGION.matcher(scope[3]).matches() ? scope[3] : "";
        }
        String target = request.firstMatchingHeader("X-Amz-Target").orElse("");
        String action = target.substring(target.indexOf('.') + 1);
        Dispatcher<Object> dispatcher = dispatch.dispatchers().get(action);
        Class<?> type = dispatch.requestClasses().get(action);
        if (dispatcher == null || type == null) {
            throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.INVALID_ACTION);
        }
        return dispatcher.enact(accessKey, region, dispatch.mapper().readValue(body, type), dispatch.handler());
    }

    @Override
    public String clientName() {
        return "InProcessDynamoDb";
    }

    @Override
    public void close() {
        // Owns nothing: the embedded server closes its handler.
    }
}
