package dev.coffer.metrics;

import dev.coffer.aws.AwsCall;
import dev.coffer.aws.AwsCallListener;
import dev.coffer.aws.CapacityUse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;

/**
 * AWS series from the SDK clients' {@link AwsCallListener} events: calls and their latency by
 * service, operation and outcome, retries, throttled attempts, failures by stable code, DynamoDB
 * consumed capacity units per table and read/write, and body bytes sent and received. Label
 * values come from the SDK (service and operation names), Coffer's error codes and the configured
 * table names: bounded sets. Thread-safe (Micrometer finds an existing meter by its tags).
 */
final class AwsCallMetrics implements AwsCallListener {
    private final MeterRegistry registry;

    AwsCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void completed(AwsCall call) {
        Timer.builder("coffer.aws.calls")
                .description("AWS SDK calls, retries and back-off included")
                .tags("service", call.service(), "operation", call.operation(), "outcome", call.successful() ? "success" : "failure")
                .serviceLevelObjectives(Buckets.LATENCY)
                .register(registry).record(call.duration());
        if (call.retries() > 0) {
            counter("coffer.aws.retries", "Attempts after the first", call.service(), call.operation()).increment(call.retries());
        }
        if (call.throttledAttempts() > 0) {
            counter("coffer.aws.throttles", "Attempts the service answered with a throttling error", call.service(),
                    call.operation()).increment(call.throttledAttempts());
        }
    }

    @Override
    public void failed(String service, String operation, String code, String awsCode) {
        Counter.builder("coffer.aws.errors").description("AWS calls that failed after their retries, by stable code")
                .tags("service", service, "operation", operation, "code", code, "aws_code", awsCode)
                .register(registry).increment();
    }

    @Override
    public void consumed(CapacityUse use) {
        Counter.builder("coffer.dynamodb.consumed.capacity").baseUnit("units")
                .description("DynamoDB capacity units consumed (ReturnConsumedCapacity=TOTAL)")
                .tags("table", use.table(), "operation", use.operation(), "kind", use.kind().name().toLowerCase(Locale.ROOT))
                .register(registry).increment(use.units());
    }

    @Override
    public void transferred(String service, String operation, long sentBytes, long receivedBytes) {
        if (sentBytes > 0) {
            Counter.builder("coffer.aws.sent").baseUnit("bytes").description("Request body bytes sent to AWS")
                    .tags("service", service, "operation", operation).register(registry).increment(sentBytes);
        }
        if (receivedBytes > 0) {
            Counter.builder("coffer.aws.received").baseUnit("bytes").description("Response body bytes received from AWS")
                    .tags("service", service, "operation", operation).register(registry).increment(receivedBytes);
        }
    }

    private Counter counter(String name, String description, String service, String operation) {
        return Counter.builder(name).description(description).tags("service", service, "operation", operation).register(registry);
    }
}
