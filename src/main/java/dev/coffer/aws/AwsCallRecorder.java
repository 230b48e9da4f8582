package dev.coffer.aws;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The one place SDK calls are observed, attached by {@link AwsClients} to the DynamoDB and S3
 * clients. As an interceptor it asks DynamoDB for {@code ReturnConsumedCapacity=TOTAL} on every
 * request that supports it (unless the caller asked for more), reads the consumed capacity from
 * the response, counts body bytes per HTTP attempt and translates failures to stable codes; as a
 * metric publisher (only on clients built with timing on) it reports each call's duration,
 * retries and throttled attempts. Everything goes to the subscribed {@link AwsCallListener}s.
 *
 * <p>Thread-safe: listeners may subscribe and unsubscribe at any time.
 */
public final class AwsCallRecorder implements ExecutionInterceptor, MetricPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(AwsCallRecorder.class);
    /** The SDK's name for a throttling error of one attempt (CoreMetric.ERROR_TYPE). */
    private static final String THROTTLING = "Throttling";
    private static final String ATTEMPT = "ApiCallAttempt";

    private final List<AwsCallListener> listeners = new CopyOnWriteArrayList<>();

    /** Tells {@code listener} of every call from now on, until the returned handle is closed. */
    public AutoCloseable subscribe(AwsCallListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return withCapacity(context.request());
    }

    /**
     * {@code request} asking DynamoDB for {@code ReturnConsumedCapacity=TOTAL} when it supports it
     * and the caller asked for nothing: ONE place for the whole process, the interceptor and
     * calls made without the SDK's pipeline ({@link InJvmDynamoDb}) alike.
     */
    public static SdkRequest withCapacity(SdkRequest request) {
        return switch (request) {
            case GetItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case PutItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case UpdateItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case DeleteItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case QueryRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case ScanRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case BatchGetItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case BatchWriteItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case TransactGetItemsRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            case TransactWriteItemsRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            default -> request;
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!listeners.isEmpty()) {
            capacityOf(operation(attributes), context.response());
        }
    }

    /**
     * A call made without the SDK's pipeline ({@link InJvmDynamoDb}) answered: told to the
     * listeners as the interceptor tells an answered call (its capacity, an answer with status
     * 200), and, when {@code took} is present, as a timed call of no retries.
     */
    public void succeeded(String service, String operation, SdkResponse response, Optional<Duration> took) {
        if (listeners.isEmpty()) {
            return;
        }
        tell(listener -> listener.answered(service, operation, 200));
        capacityOf(operation, response);
        took.ifPresent(d -> tell(listener -> listener.completed(new AwsCall(service, operation, d, true, 0, 0))));
    }

    /** A call made without the SDK's pipeline failed with {@code e}: as {@link #succeeded}, for a failure. */
    public void failed(String service, String operation, SdkException e, Optional<Duration> took) {
        if (listeners.isEmpty()) {
            return;
        }
        if (e instanceof AwsServiceException s) {
            tell(listener -> listener.answered(service, operation, s.statusCode()));
        }
        failed(service, operation, e);
        took.ifPresent(d -> tell(listener -> listener.completed(new AwsCall(service, operation, d, false, 0, 0))));
    }

    private void capacityOf(String operation, SdkResponse response) {
        switch (response) {
            case GetItemResponse r -> consumed(operation, CapacityUse.Kind.READ, List.of(orNull(r.consumedCapacity())));
            case QueryResponse r -> consumed(operation, CapacityUse.Kind.READ, List.of(orNull(r.consumedCapacity())));
            case ScanResponse r -> consumed(operation, CapacityUse.Kind.READ, List.of(orNull(r.consumedCapacity())));
            case BatchGetItemResponse r -> consumed(operation, CapacityUse.Kind.READ, r.consumedCapacity());
            case TransactGetItemsResponse r -> consumed(operation, CapacityUse.Kind.READ, r.consumedCapacity());
            case PutItemResponse r -> consumed(operation, CapacityUse.Kind.WRITE, List.of(orNull(r.consumedCapacity())));
            case UpdateItemResponse r -> consumed(operation, CapacityUse.Kind.WRITE, List.of(orNull(r.consumedCapacity())));
            case DeleteItemResponse r -> consumed(operation, CapacityUse.Kind.WRITE, List.of(orNull(r.consumedCapacity())));
            case BatchWriteItemResponse r -> consumed(operation, CapacityUse.Kind.WRITE, r.consumedCapacity());
            case TransactWriteItemsResponse r -> consumed(operation, CapacityUse.Kind.WRITE, r.consumedCapacity());
            default -> {
            }
        }
    }

    /** A placeholder for "no capacity reported", skipped by {@link #consumed}. */
    private static final ConsumedCapacity NONE = ConsumedCapacity.builder().build();

    private static ConsumedCapacity orNull(ConsumedCapacity capacity) {
        return capacity == null ? NONE : capacity;
    }

    private void consumed(String operation, CapacityUse.Kind kind, List<ConsumedCapacity> capacities) {
        if (capacities == null) {
            return;
        }
        for (ConsumedCapacity capacity : capacities) {
            if (capacity == null || capacity.tableName() == null || capacity.capacityUnits() == null) {
                continue;
            }
            var use = new CapacityUse(capacity.tableName(), operation, capacity.capacityUnits(), kind);
            tell(listener -> listener.consumed(use));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (listeners.isEmpty() || !(context.exception() instanceof SdkException e)) {
            return;
        }
        failed(service(attributes), operation(attributes), e);
    }

    private void failed(String service, String operation, SdkException e) {
        String awsCode = e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
                ? s.awsErrorDetails().errorCode() : "none";
        // A failed condition is how create-if-absent and If-Match are answered: a conflict, not an AWS fault.
        String code = awsCode.equals("ConditionalCheckFailedException") ? dev.coffer.error.ErrorCode.CONFLICT.code()
                : AwsErrors.translate(e, operation).code().code();
        tell(listener -> listener.failed(service, operation, code, awsCode));
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (listeners.isEmpty()) {
            return;
        }
        // Every DynamoDB and S3 attempt passes here: plain lookups, no lambdas or optionals to build.
        long sent = sentLength(context);
        long received = contentLength(context.httpResponse().firstMatchingHeader("Content-Length").orElse(null));
        String service = service(attributes);
        String operation = operation(attributes);
        int status = context.httpResponse().statusCode();
        for (AwsCallListener listener : listeners) {
            try {
                listener.answered(service, operation, status);
                if (sent > 0 || received > 0) {
                    listener.transferred(service, operation, sent, received);
                }
            } catch (RuntimeException e) {
                LOG.warn("AWS call listener {} failed: {}", listener.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private static long sentLength(Context.AfterTransmission context) {
        var body = context.requestBody();
        if (body.isPresent()) {
            var length = body.get().optionalContentLength();
            if (length.isPresent()) {
                return length.get();
            }
        }
        return contentLength(context.httpRequest().firstMatchingHeader("Content-Length").orElse(null));
    }

    private static long contentLength(String header) {
        return header == null ? 0 : parseLength(header);
    }

    @Override
    public void publish(MetricCollection metrics) {
        if (listeners.isEmpty()) {
            return;
        }
        String service = first(metrics, CoreMetric.SERVICE_ID, "unknown");
        String operation = first(metrics, CoreMetric.OPERATION_NAME, "unknown");
        Duration duration = first(metrics, CoreMetric.API_CALL_DURATION, Duration.ZERO);
        boolean successful = first(metrics, CoreMetric.API_CALL_SUCCESSFUL, false);
        int retries = first(metrics, CoreMetric.RETRY_COUNT, 0);
        int throttled = (int) metrics.childrenWithName(ATTEMPT)
                .filter(attempt -> attempt.metricValues(CoreMetric.ERROR_TYPE).contains(THROTTLING)).count();
        var call = new AwsCall(label(service), operation, duration, successful, retries, throttled);
        tell(listener -> listener.completed(call));
    }

    @Override
    public void close() {
        // Nothing held: the listeners belong to whoever subscribed them.
    }

    private void tell(Consumer<AwsCallListener> event) {
        for (AwsCallListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("AWS call listener {} failed: {}", listener.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private static <T> T first(MetricCollection metrics, software.amazon.awssdk.metrics.SdkMetric<T> metric, T otherwise) {
        List<T> values = metrics.metricValues(metric);
        return values.isEmpty() || values.get(0) == null ? otherwise : values.get(0);
    }

    private static long parseLength(String header) {
        try {
            return Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String operation(ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return operation == null ? "unknown" : operation;
    }

    private static String service(ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        return service == null ? "unknown" : LABELS.computeIfAbsent(service, AwsCallRecorder::label);
    }

    /** Labels of the few service names the clients report, made once each (asked on every attempt). */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> LABELS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * One spelling per service for labels: the interceptor sees the client's name ({@code DynamoDb})
     * and the metric publisher the service id ({@code DynamoDB}).
     */
    static String label(String service) {
        return service.toLowerCase(Locale.ROOT).replace(" ", "");
    }
}
