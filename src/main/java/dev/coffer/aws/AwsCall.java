package dev.coffer.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * One finished call of an SDK client, as the SDK measured it (its metric collection).
 *
 * @param service the SDK's service id, e.g. {@code DynamoDB}, {@code S3}
 * @param operation e.g. {@code GetItem}, {@code PutObject}
 * @param duration the whole call, retries and back-off included
 * @param successful whether the call ended in a response rather than an exception
 * @param retries attempts after the first
 * @param throttledAttempts attempts the service answered with a throttling error (retried or not)
 */
public record AwsCall(String service, String operation, Duration duration, boolean successful, int retries,
                      int throttledAttempts) {
    public AwsCall {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(duration, "duration");
    }
}
