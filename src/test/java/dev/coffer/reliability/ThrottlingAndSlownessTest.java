package dev.coffer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backends that throttle or hang, through a loopback fault proxy in front of the real embedded
 * servers: Coffer retries a bounded number of times, gives up within its configured deadline,
 * and reports a clear error instead of hanging.
 */
@ExtendWith(SharedEmbeddedServers.class)
class ThrottlingAndSlownessTest {

    private static Map<String, String> remoteVia(FaultProxy dynamo, FaultProxy s3) {
        var env = TestCoffer.remoteEnv(dynamo.endpoint(), s3.endpoint());
        env.put("COFFER_AWS_MAX_RETRIES", "2");
        env.put("COFFER_AWS_API_CALL_TIMEOUT", "1s");
        return env;
    }

    @Test
    void dynamoDbThrottling_retriedWithBackoffThenReportedAsThrottled(EmbeddedServers stack) throws Exception {
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint()); var s3 = FaultProxy.in(stack.s3().endpoint());
             var coffer = TestCoffer.startRemote(TestCoffer.config("", remoteVia(ddb, s3)))) {
            ddb.mode(FaultProxy.Mode.THROTTLE_DYNAMODB);
            ddb.resetCount();

            JsonNode health = coffer.http().get("/health").json();

            assertThat(health.path("dynamodb").path("status").asText()).isEqualTo("connection_failed");
            assertThat(health.path("dynamodb").path("error").asText()).startsWith("throttled:");
            // One DescribeTable per table, each retried: 1 + max_retries attempts reached the backend, no more.
            int tables = dev.coffer.app.CofferServer.tables(coffer.server().config()).size();
            assertThat(ddb.faultedRequests()).isEqualTo(3 * tables);

            ddb.mode(FaultProxy.Mode.PASS);
            assertThat(coffer.http().get("/health").json().path("dynamodb").path("status").asText()).isEqualTo("connected");
        }
    }

    @Test
    void s3SlowDown_reportedAsThrottledWithFix(EmbeddedServers stack) throws Exception {
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint()); var s3 = FaultProxy.in(stack.s3().endpoint());
             var coffer = TestCoffer.startRemote(TestCoffer.config("", remoteVia(ddb, s3)))) {
            s3.mode(FaultProxy.Mode.THROTTLE_S3);

            JsonNode health = coffer.http().get("/health").json();

            assertThat(health.path("s3").path("status").asText()).isEqualTo("connection_failed");
            assertThat(health.path("s3").path("error").asText()).startsWith("throttled:");
            assertThat(health.path("s3").path("fix").asText()).isNotBlank();
        }
    }

    @Test
    void hangingBackend_healthAnswersWithinDeadlineAsUnavailable(EmbeddedServers stack) throws Exception {
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint()); var s3 = FaultProxy.in(stack.s3().endpoint());
             var coffer = TestCoffer.startRemote(TestCoffer.config("", remoteVia(ddb, s3)))) {
            ddb.mode(FaultProxy.Mode.HANG);
            try {
                JsonNode health = coffer.http().get("/health").json();

                assertThat(health.path("dynamodb").path("status").asText()).isEqualTo("connection_failed");
                assertThat(health.path("dynamodb").path("error").asText()).startsWith("backend_unavailable:")
                        .contains("timed out");
                assertThat(health.path("status").asText()).isEqualTo("unhealthy");
            } finally {
                ddb.release();
            }
        }
    }
}
