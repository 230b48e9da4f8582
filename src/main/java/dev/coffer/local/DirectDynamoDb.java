package dev.coffer.local;

import dev.coffer.aws.AwsCallRecorder;
import dev.coffer.aws.InJvmDynamoDb;
import dev.coffer.support.AtOnce;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.embedded.DDBExceptionMappingInvocationHandler;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * Coffer's DynamoDB and DynamoDB Streams clients for the embedded DynamoDB Local of this JVM: each
 * call hands the SDK request object, as Coffer built it, to DynamoDB Local's own client (the one
 * its HTTP handler calls once it has parsed a request's JSON into that same object), on the
 * caller's thread. So nothing is marshalled to JSON and parsed back twice, and the SDK's pipeline
 * (endpoint rules, signing, retries, interceptors) does not run: an item create on the embedded
 * default took 2.1-2.7 ms of CPU through that path and 1.1-1.2 ms this way (BENCHMARKS.md).
 *
 * <p>What the pipeline did that Coffer relies on is done here: every call asks for its consumed
 * capacity and is told to the {@link AwsCallRecorder} (capacity, failures by code, timings when
 * timed); DynamoDB Local's errors become the SDK's exceptions with the same type, status, code,
 * message, old item and cancellation reasons as over HTTP (by DynamoDB Local's own mapping, the one
 * its {@code DynamoDBEmbedded} clients use); while stopped, a call fails as a refused connection
 * does. There are no retries (DynamoDB Local does not throttle) and no client-wide call timeout
 * (the call runs in this JVM); a request that names its own {@code apiCallTimeout}, as the health
 * probes do, gets it. {@code DirectDynamoDbTest} compares the answers with the loopback endpoint's.
 *
 * <p>Thread-safe: DynamoDB Local's client serves concurrent callers (its HTTP handler's threads did).
 */
final class DirectDynamoDb implements InvocationHandler {
    /** The SDK's operation name of a request class: {@code PutItemRequest} answers {@code PutItem}. */
    private static final ClassValue<String> OPERATIONS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            String name = type.getSimpleName();
            return name.endsWith("Request") ? name.substring(0, name.length() - "Request".length()) : name;
        }
    };

    private final Supplier<AmazonDynamoDBLocal> current;
    private final boolean streams;
    private final AwsCallRecorder recorder;
    private final boolean timed;

    private DirectDynamoDb(Supplier<AmazonDynamoDBLocal> current, boolean streams, AwsCallRecorder recorder, boolean timed) {
        this.current = current;
        this.streams = streams;
        this.recorder = recorder;
        this.timed = timed;
    }

    /** Clients calling whatever {@code current} answers; null answers "not running". */
    static InJvmDynamoDb over(Supplier<AmazonDynamoDBLocal> current) {
        return new InJvmDynamoDb() {
            @Override
            public DynamoDbClient dynamoDb(AwsCallRecorder recorder, boolean timed) {
                return proxy(DynamoDbClient.class, new DirectDynamoDb(current, false, recorder, timed));
            }

            @Override
            public DynamoDbStreamsClient streams(AwsCallRecorder recorder, boolean timed) {
                return proxy(DynamoDbStreamsClient.class, new DirectDynamoDb(current, true, recorder, timed));
            }
        };
    }

    private static <T> T proxy(Class<T> client, DirectDynamoDb calls) {
        return client.cast(Proxy.newProxyInstance(DirectDynamoDb.class.getClassLoader(), new Class<?>[] {client}, calls));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Class<?>[] params = method.getParameterTypes();
        // An operation takes its request and answers its response; every other method of the
        // interfaces (the consumer-builder overloads, paginators, no-argument forms) is a default
        // that ends in an operation, so it runs here against the proxy and comes back through it.
        if (params.length == 1 && SdkRequest.class.isAssignableFrom(params[0]) && SdkResponse.class.isAssignableFrom(method.getReturnType())) {
            return call(method, AwsCallRecorder.withCapacity((SdkRequest) args[0]));
        }
        return switch (method.getName()) {
            case "close" -> null;
            case "serviceName" -> streams ? DynamoDbStreamsClient.SERVICE_NAME : DynamoDbClient.SERVICE_NAME;
            case "waiter" -> DynamoDbWaiter.builder().client((DynamoDbClient) proxy).build();
            case "toString" -> "DirectDynamoDb[" + (streams ? "streams" : "dynamodb") + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> {
                if (!method.isDefault()) {
                    throw new UnsupportedOperationException(method.getName());
                }
                yield InvocationHandler.invokeDefault(proxy, method, args);
            }
        };
    }

    private Object call(Method method, SdkRequest request) {
        String service = streams ? "dynamodbstreams" : "dynamodb";
        String operation = OPERATIONS.get(request.getClass());
        long start = timed ? System.nanoTime() : 0;
        Optional<Duration> deadline = request.overrideConfiguration().flatMap(o -> o.apiCallTimeout());
        SdkResponse response;
        try {
            response = deadline.isPresent() ? withDeadline(method, request, deadline.get()) : invoke(method, request);
        } catch (SdkException e) {
            recorder.failed(service, operation, e, took(start));
            throw e;
        }
        recorder.succeeded(service, operation, response, took(start));
        return response;
    }

    /** The operation's answer, or the SDK's exception for DynamoDB Local's failure. */
    private SdkResponse invoke(Method method, SdkRequest request) {
        try {
            return (SdkResponse) method.invoke(target(), request);
        } catch (InvocationTargetException e) {
            throw translated(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("DynamoDB Local's client refused " + method.getName(), e);
        }
    }

    /**
     * A call whose request names its own deadline (the health probes do, so that a stuck database
     * reports as failing instead of holding {@code /health}): it runs on a virtual thread of its
     * own, and the caller gets the SDK's timeout exception when the deadline passes first. The
     * call is interrupted then, as the SDK interrupts a call past its timeout.
     */
    private SdkResponse withDeadline(Method method, SdkRequest request, Duration deadline) {
        var call = new FutureTask<SdkResponse>(() -> invoke(method, request));
        Thread.ofVirtual().name("dynamodb-local-call").start(call);
        try {
            return call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw ApiCallTimeoutException.create(deadline.toMillis());
        } catch (ExecutionException e) {
            throw AtOnce.rethrown(e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted while waiting for DynamoDB Local", e);
        }
    }

    private Object target() {
        AmazonDynamoDBLocal local = current.get();
        if (local == null) {
            // As a stopped server answers over HTTP, so AwsErrors names it unreachable.
            throw SdkClientException.builder().message("embedded DynamoDB Local is not running")
                    .cause(new ConnectException("embedded DynamoDB Local is not running")).build();
        }
        return streams ? local.dynamoDbStreamsClient() : local.dynamoDbClient();
    }

    private Optional<Duration> took(long start) {
        return timed ? Optional.of(Duration.ofNanos(System.nanoTime() - start)) : Optional.empty();
    }

    /** What the SDK would have thrown for the answer DynamoDB Local's HTTP handler makes of {@code thrown}. */
    private static SdkException translated(Throwable thrown) {
        if (thrown instanceof DynamoDBLocalServiceException local) {
            try {
                DDBExceptionMappingInvocationHandler.handleDynamoDBLocalServiceException(local);
            } catch (SdkException mapped) {
                return mapped;
            } catch (Throwable other) {
                return internalFailure(other);
            }
        }
        if (thrown instanceof SdkException e) {
            return e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        // Over HTTP its handler answers anything else as a 500 InternalFailure.
        return internalFailure(thrown);
    }

    private static SdkException internalFailure(Throwable cause) {
        return DynamoDbException.builder().statusCode(500).message("The request processing has failed because of an unknown error")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").serviceName("DynamoDb")
                        .errorMessage("The request processing has failed because of an unknown error").build())
                .cause(cause).build();
    }
}
