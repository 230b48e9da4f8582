package dev.coffer.aws;

/**
 * Told about the calls of the SDK clients {@link AwsClients} built: metrics subscribe, and so can
 * anything that accounts for use (capacity per user). Called on the calling thread, after the
 * call; must be quick and must not throw (a failing listener is logged and skipped). Every method
 * has an empty default, so a listener implements only what it needs.
 */
public interface AwsCallListener {
    /** A call finished (timed calls only: see {@link AwsClients#create(dev.coffer.config.AwsConfig, software.amazon.awssdk.auth.credentials.AwsCredentialsProvider, SdkHttpClients, boolean)}). */
    default void completed(AwsCall call) {
    }

    /**
     * A call failed for good (after its retries).
     *
     * @param code Coffer's stable error code for the failure ({@link AwsErrors}), e.g. {@code throttled}
     * @param awsCode the service's own error code, e.g. {@code ConditionalCheckFailedException}, or
     *     {@code none} when the call never got an answer (timeout, connection refused)
     */
    default void failed(String service, String operation, String code, String awsCode) {
    }

    /** A DynamoDB call consumed capacity on a table (one event per table it touched). */
    default void consumed(CapacityUse use) {
    }

    /**
     * One HTTP attempt of a call got an answer with {@code status}, error or not: what S3 charges a
     * request for (usage counts S3 requests by price class from this).
     */
    default void answered(String service, String operation, int status) {
    }

    /** One HTTP attempt of a call sent and received these many body bytes (as their Content-Length said). */
    default void transferred(String service, String operation, long sentBytes, long receivedBytes) {
    }
}
