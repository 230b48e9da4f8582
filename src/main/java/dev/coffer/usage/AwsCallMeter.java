package dev.coffer.usage;

import dev.coffer.aws.AwsCallListener;
import dev.coffer.aws.CapacityUse;

/**
 * Listens to the AWS calls of the DynamoDB and S3 clients (the one recorder {@code aws} attaches,
 * which asks every DynamoDB call for {@code ReturnConsumedCapacity=TOTAL}) and feeds the
 * {@link Tally}: DynamoDB request units, read or write; S3 requests by price class, one per
 * answered HTTP attempt (S3 charges errors such as a 404 to a HEAD too); bytes of GetObject
 * answers. Called on the calling thread, so the counts go to the user whose request made the
 * call.
 *
 * <p>A conditional write that fails still consumes write units but reports none; it is counted
 * as one unit (exact for items up to 1 KB).
 */
public final class AwsCallMeter implements AwsCallListener {
    private static final String S3 = "s3";

    private final Tally tally;

    public AwsCallMeter(Tally tally) {
        this.tally = tally;
    }

    @Override
    public void consumed(CapacityUse use) {
        if (use.kind() == CapacityUse.Kind.READ) {
            tally.dynamoDb(use.units(), 0);
        } else {
            tally.dynamoDb(0, use.units());
        }
    }

    @Override
    public void failed(String service, String operation, String code, String awsCode) {
        if ("ConditionalCheckFailedException".equals(awsCode)) {
            tally.dynamoDb(0, 1.0);
        }
    }

    @Override
    public void answered(String service, String operation, int status) {
        if (S3.equals(service)) {
            tally.s3(s3Class(operation));
        }
    }

    @Override
    public void transferred(String service, String operation, long sentBytes, long receivedBytes) {
        if (S3.equals(service) && operation.equals("GetObject")) {
            tally.bytesOut(receivedBytes);
        }
    }

    /**
     * S3's price classes (https://aws.amazon.com/s3/pricing/, "Requests & data retrievals"): PUT,
     * COPY, POST and LIST requests (multipart uploads are PUTs and POSTs); DELETE and cancel are
     * free; GET, HEAD and everything else are the cheaper class.
     */
    static Tally.S3Class s3Class(String operation) {
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
