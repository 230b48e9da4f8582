package dev.coffer.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Against an S3-compatible server that does not implement bucket encryption or Block Public
 * Access (S3Proxy here, MinIO and others alike), the bucket Coffer created lacks them; the next
 * start must still come up, as the first did, instead of refusing the bucket as "differing".
 */
@ExtendWith(SharedEmbeddedServers.class)
class RestartAgainstCompatibleServerTest {
    @Test
    void secondStart_onTheBucketTheFirstCreated_startsWithAWarningNotARefusal(EmbeddedServers stack) throws Exception {
        var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), stack.s3().endpoint());
        env.put("S3_BUCKET", "restart-" + Long.toHexString(System.nanoTime()));
        env.put("COFFER_USERS_TABLE", "restart-users-" + Long.toHexString(System.nanoTime()));
        try (var first = TestCoffer.startRemote(TestCoffer.config("", Map.copyOf(env)))) {
            assertThat(first.http().get("/health/ready").status()).isEqualTo(200);
        }
        try (var second = TestCoffer.startRemote(TestCoffer.config("", Map.copyOf(env)))) {
            assertThat(second.http().get("/health/ready").status()).isEqualTo(200);
        }
    }
}
