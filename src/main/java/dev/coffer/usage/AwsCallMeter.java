package dev.coffer.usage;

import java.util.List;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
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
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The SDK interceptor of the DynamoDB and S3 clients that feeds the {@link Tally}: asks every
 * DynamoDB item call for its consumed capacity ({@code ReturnConsumedCapacity=TOTAL}, which
 * DynamoDB answers for free and DynamoDB Local answers too) and counts the units, read or write by
 * the operation; counts every S3 call by its price class and the bytes GetObject sends. Runs on
 * the calling thread, so the units go to the user whose request made the call.
 *
 * <p>A conditional write that fails still consumes write units but reports none; it is counted
 * as one unit (exact for items up to 1 KB).
 */
public final class AwsCallMeter implements ExecutionInterceptor {
    private final Tally tally;

    public AwsCallMeter(Tally tally) {
        this.tally = tally;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        var total = ReturnConsumedCapacity.TOTAL;
        return switch (context.request()) {
            case GetItemRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case PutItemRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case UpdateItemRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case DeleteItemRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case QueryRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case ScanRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case BatchGetItemRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case BatchWriteItemRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case TransactGetItemsRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            case TransactWriteItemsRequest r -> r.returnConsumedCapacity() == null ? r.toBuilder().returnConsumedCapacity(total).build() : r;
            default -> context.request();
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        switch (response) {
            case GetItemResponse r -> read(units(r.consumedCapacity()));
            case QueryResponse r -> read(units(r.consumedCapacity()));
            case ScanResponse r -> read(units(r.consumedCapacity()));
            case BatchGetItemResponse r -> read(units(r.consumedCapacity()));
            case TransactGetItemsResponse r -> read(units(r.consumedCapacity()));
            case PutItemResponse r -> write(units(r.consumedCapacity()));
            case UpdateItemResponse r -> write(units(r.consumedCapacity()));
            case DeleteItemResponse r -> write(units(r.consumedCapacity()));
            case BatchWriteItemResponse r -> write(units(r.consumedCapacity()));
            case TransactWriteItemsResponse r -> write(units(r.consumedCapacity()));
            default -> {
                if ("S3".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
                    long out = response instanceof GetObjectResponse get && get.contentLength() != null ? get.contentLength() : 0;
                    tally.s3(s3Class(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)), out);
                }
            }
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        if (failure instanceof ConditionalCheckFailedException) {
            write(1.0);
        } else if ("S3".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)) && context.httpResponse().isPresent()) {
            // S3 charges requests it answered, errors (a 404 to a HEAD) included.
            tally.s3(s3Class(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)), 0);
        }
    }

    private void read(double units) {
        tally.dynamoDb(units, 0);
    }

    private void write(double units) {
        tally.dynamoDb(0, units);
    }

    private static double units(ConsumedCapacity capacity) {
        return capacity == null || capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
    }

    private static double units(List<ConsumedCapacity> capacities) {
        return capacities == null ? 0 : capacities.stream().mapToDouble(AwsCallMeter::units).sum();
    }

    /**
     * S3's price classes (https://aws.amazon.com/s3/pricing/, "Requests & data retrievals"): PUT,
     * COPY, POST and LIST requests (multipart uploads are PUTs and POSTs); DELETE and cancel are
     * free; GET, HEAD and everything else are the cheaper class.
     */
    static Tally.S3Class s3Class(String operation) {
        if (operation == null) {
            return Tally.S3Class.GET_AND_OTHER;
        }
        if (operation.startsWith("Delete") || operation.equals("AbortMultipartUpload")) {
            return Tally.S3Class.FREE;
        }
        if (operation.startsWith("Put") || operation.startsWith("Copy") || operation.startsWith("List")
                || operation.startsWith("Create") || operation.startsWith("UploadPart") || operation.equals("CompleteMultipartUpload")
                || operation.equals("RestoreObject")) {
            return Tally.S3Class.PUT_COPY_POST_LIST;
        }
        return Tally.S3Class.GET_AND_OTHER;
    }
}
