package dev.coffer.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.app.CofferServer;
import dev.coffer.config.CofferConfig;
import dev.coffer.support.Json;
import dev.coffer.testing.CountingHttpClients;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.TestCoffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP reloads (the reload the signal handler runs) leave no HTTP client behind: every SDK
 * client Coffer makes, STS included, gets its HTTP client from one factory, counted here.
 */
class ReloadClosesClientsTest {
    static final String KEY = "AKIARELOADCOUNT00001";
    static final String SECRET = "reloadCountSecret0123456789abcdefghijklm";

    @Test
    void tenReloadsOfAssumedRoleCredentials_noHttpClientLeftOpen() throws Exception {
        try (MotoServer moto = MotoServer.start(-1)) {
            String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                    + "\"Action\":\"sts:AssumeRole\"}]}";
            JsonNode role = Json.mapper().readTree(moto.cli(KEY, SECRET, List.of("iam", "create-role", "--role-name", "reload-count",
                    "--assume-role-policy-document", trust))).path("Role");
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                    "AWS_ENDPOINT_URL_STS", moto.endpoint().toString(), "AWS_DYNAMODB_ENDPOINT", moto.endpoint().toString(),
                    "AWS_ENDPOINT_URL_S3", moto.endpoint().toString(), "SECRET_KEY", "reload-count-signing-key-0123456789abcdef",
                    "COFFER_AWS_CREDENTIALS_ASSUME_ROLE_ARN", role.path("Arn").asText());
            CofferConfig config = TestCoffer.config("", env);
            var http = new CountingHttpClients();

            int openAfterStart;
            try (CofferServer server = CofferServer.start(config, Optional.empty(), Clock.systemUTC(), http)) {
                openAfterStart = http.open();
                for (int i = 0; i < 10; i++) {
                    ResolvedCredentials reloaded = server.reloadCredentials(TestCoffer.config("", env));
                    assertThat(reloaded.mode().label()).isEqualTo("assume-role");
                }
                assertThat(http.open()).as("open HTTP clients after 10 reloads").isEqualTo(openAfterStart);
            }

            // One for DynamoDB and S3, one for STS (identity, web identity, assume-role), both built at start-up.
            assertThat(openAfterStart).isEqualTo(2);
            assertThat(http.created()).as("reloads build no client").isEqualTo(2);
            assertThat(http.open()).as("started but never closed").isZero();
        }
    }
}
