package dev.coffer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.http.Access;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.FaultProxy;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics} against a real Coffer on DynamoDB Local and S3Proxy: who may read it, and
 * that the series the README's queries use are there after real requests, labelled by route
 * template, never by a user's path.
 */
@ExtendWith(SharedEmbeddedServers.class)
class MetricsEndpointTest {
    private static final String TOKEN = "metrics-test-token-0123456789abcdef";

    private static String toml(String table) {
        return "[collections.notes]\ntable = \"" + table + "\"\n";
    }

    private static String scrape(Http http) {
        Http.Response response = http.request("GET", "/metrics").bearer(TOKEN).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    /** The value of the one sample whose line starts with {@code series} (name and labels, as exposed). */
    private static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("no sample " + series + " in:\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metrics_refusedWithoutTheTokenOrWithAUsersToken_servedWithIt(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of("COFFER_METRICS_TOKEN", TOKEN))) {
            Http http = coffer.http();
            Http.Response none = http.request("GET", "/metrics").send();
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().path("code").asText()).isEqualTo("unauthorized");
            assertThat(none.header("WWW-Authenticate")).contains("Bearer");
            assertThat(http.request("GET", "/metrics").bearer(TOKEN + "x").send().status()).isEqualTo(401);
            assertThat(http.request("GET", "/metrics").bearer(TOKEN.substring(1)).send().status()).isEqualTo(401);
            assertThat(http.request("GET", "/metrics").bearer(coffer.tokenFor("u-metrics")).send().status()).isEqualTo(401);
            assertThat(http.request("GET", "/metrics").header("Authorization", TOKEN).send().status()).isEqualTo(401);

            String exposition = scrape(http);
            assertThat(exposition).contains("# TYPE coffer_http_requests_seconds histogram", "jvm_memory_used_bytes",
                    "jvm_gc_", "jvm_threads_live_threads", "process_uptime_seconds", "process_cpu_usage");
            var document = http.get("/api/openapi.json").json();
            assertThat(document.at("/paths/~1metrics/get/security").toString()).isEqualTo("[{\"operatorToken\":[]}]");
            assertThat(document.at("/components/securitySchemes/operatorToken/scheme").asText()).isEqualTo("bearer");
            assertThat(document.at("/paths/~1metrics/get").has("x-coffer-optional")).isFalse();
            // Declared where the route is declared: the operator's token, not a user's.
            assertThat(coffer.server().routes()).anySatisfy(route -> {
                assertThat(route.pattern()).isEqualTo("/metrics");
                assertThat(route.access()).isInstanceOf(Access.OperatorToken.class);
            });
        }
    }

    @Test
    void metrics_offByDefault_404AndNoRoute(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            Http.Response response = coffer.http().request("GET", "/metrics").bearer(TOKEN).send();
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().path("code").asText()).isEqualTo("not_found");
            assertThat(coffer.server().routes()).noneSatisfy(route -> assertThat(route.pattern()).isEqualTo("/metrics"));
            assertThat(coffer.server().metricsPort()).isEmpty();
            assertThat(coffer.http().get("/api/openapi.json").body()).doesNotContain("\"/metrics\"");
        }
    }

    @Test
    void requestsAndRecordsWrites_countedByRouteTemplate_withAwsCallsAndConsumedCapacity(EmbeddedServers stack) throws Exception {
        String table = "t-met-" + Long.toHexString(System.nanoTime());
        try (var coffer = TestCoffer.start(stack, toml(table), Map.of("COFFER_METRICS_TOKEN", TOKEN))) {
            Http http = coffer.http();
            String user = "metrics-user-7f3a";
            String token = coffer.tokenFor(user);
            String id = null;
            for (int i = 0; i < 3; i++) {
                Http.Response created = http.request("POST", "/api/v1/collections/notes/items").bearer(token)
                        .json(Map.of("text", "note " + i)).send();
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                id = created.json().path("id").asText();
            }
            assertThat(http.get("/api/v1/collections/notes/items/" + id, token).status()).isEqualTo(200);
            // Create-if-absent answered by DynamoDB's failed condition: an AWS error by its own code.
            assertThat(http.request("POST", "/api/v1/collections/notes/items").bearer(token)
                    .json(Map.of("id", id, "text", "again")).send().status()).isEqualTo(409);
            byte[] file = new byte[3000];
            assertThat(http.request("PUT", "/api/v1/files/metrics/a.bin").bearer(token).body(file, "application/octet-stream")
                    .send().status()).isIn(200, 201);
            assertThat(http.get("/api/v1/files/metrics/a.bin", token).bytes()).hasSize(3000);
            assertThat(http.get("/api/v1/collections/notes/items/no-such-item-91c2", token).status()).isEqualTo(404);
            assertThat(http.get("/no/such/path/secret-segment-5d1e").status()).isEqualTo(404);

            String exposition = scrape(http);
            assertThat(sample(exposition, "coffer_http_requests_seconds_count{method=\"POST\",route=\"/api/v1/collections/{collection}/items\",status=\"2xx\"}"))
                    .isEqualTo(3.0);
            assertThat(sample(exposition, "coffer_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/collections/{collection}/items/{id}\",status=\"2xx\"}"))
                    .isEqualTo(1.0);
            assertThat(sample(exposition, "coffer_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/collections/{collection}/items/{id}\",status=\"4xx\"}"))
                    .isEqualTo(1.0);
            assertThat(sample(exposition, "coffer_http_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"4xx\"}"))
                    .isEqualTo(1.0);
            assertThat(exposition).contains("coffer_http_requests_seconds_bucket{method=\"POST\",route=\"/api/v1/collections/{collection}/items\",status=\"2xx\",le=\"0.1\"}");
            // Only templates as labels: no user id, item id or raw path reaches the exposition.
            assertThat(exposition).doesNotContain(user, id, "no-such-item-91c2", "secret-segment-5d1e", "/collections/notes");
            // In flight: the scrape itself.
            assertThat(sample(exposition, "coffer_http_requests_in_flight")).isEqualTo(1.0);

            // The writes reached DynamoDB Local, which reported the capacity they consumed.
            assertThat(sample(exposition, "coffer_dynamodb_consumed_capacity_units_total{kind=\"write\",operation=\"PutItem\",table=\"" + table + "\"}"))
                    .isGreaterThan(0.0);
            assertThat(sample(exposition, "coffer_dynamodb_consumed_capacity_units_total{kind=\"read\",operation=\"GetItem\",table=\"" + table + "\"}"))
                    .isGreaterThan(0.0);
            assertThat(sample(exposition, "coffer_aws_calls_seconds_count{operation=\"PutItem\",outcome=\"success\",service=\"dynamodb\"}"))
                    .isGreaterThanOrEqualTo(3.0);
            assertThat(exposition).contains("coffer_aws_calls_seconds_bucket{operation=\"PutItem\",outcome=\"success\",service=\"dynamodb\",le=");
            assertThat(exposition).containsPattern("(?m)^coffer_aws_errors_total\\{aws_code=\"ConditionalCheckFailedException\",code=\"conflict\","
                    + "operation=\"PutItem\",service=\"dynamodb\"} 1\\.0$");
            assertThat(sample(exposition, "coffer_aws_sent_bytes_total{operation=\"PutObject\",service=\"s3\"}")).isGreaterThanOrEqualTo(3000.0);
            assertThat(sample(exposition, "coffer_aws_received_bytes_total{operation=\"GetObject\",service=\"s3\"}")).isGreaterThanOrEqualTo(3000.0);
        }
    }

    @Test
    void throttledDynamoDb_attemptsRetriesAndTheFinalErrorCounted(EmbeddedServers stack) throws Exception {
        String table = "t-met-thr-" + Long.toHexString(System.nanoTime());
        try (var ddb = FaultProxy.in(stack.dynamoDb().endpoint()); var s3 = FaultProxy.in(stack.s3().endpoint())) {
            var env = TestCoffer.remoteEnv(ddb.endpoint(), s3.endpoint());
            env.put("COFFER_AWS_MAX_RETRIES", "2");
            env.put("COFFER_METRICS_TOKEN", TOKEN);
            try (var coffer = TestCoffer.startRemote(TestCoffer.config(toml(table), env))) {
                String token = coffer.tokenFor("metrics-throttled");
                ddb.mode(FaultProxy.Mode.THROTTLE_DYNAMODB);
                ddb.resetCount();
                Http.Response refused = coffer.http().get("/api/v1/collections/notes/items/n-1", token);
                assertThat(refused.json().path("code").asText()).isEqualTo("throttled");
                assertThat(ddb.faultedRequests()).isEqualTo(3);
                ddb.mode(FaultProxy.Mode.PASS);

                String exposition = scrape(coffer.http());
                String labels = "{operation=\"GetItem\",service=\"dynamodb\"}";
                assertThat(sample(exposition, "coffer_aws_throttles_total" + labels)).isEqualTo(3.0);
                assertThat(sample(exposition, "coffer_aws_retries_total" + labels)).isEqualTo(2.0);
                assertThat(sample(exposition, "coffer_aws_errors_total{aws_code=\"ThrottlingException\",code=\"throttled\","
                        + "operation=\"GetItem\",service=\"dynamodb\"}")).isEqualTo(1.0);
                assertThat(sample(exposition, "coffer_aws_calls_seconds_count{operation=\"GetItem\",outcome=\"failure\",service=\"dynamodb\"}"))
                        .isEqualTo(1.0);
            }
        }
    }

    @Test
    void managementPort_servesOnlyMetrics_andTheApiPortDoesNot(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of("COFFER_METRICS_PORT", "0"))) {
            assertThat(coffer.server().metricsPort()).isPresent();
            Http management = new Http(URI.create("http://127.0.0.1:" + coffer.server().metricsPort().get() + "/"), false);
            Http.Response metrics = management.request("GET", "/metrics").send();
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("coffer_credentials_expiry_seconds");
            assertThat(management.request("GET", "/health").send().status()).isEqualTo(404);
            assertThat(coffer.http().request("GET", "/metrics").send().status()).isEqualTo(404);
        }
    }

    @Test
    void sessionKeys_expiryGaugeCountsDown_andHealthGaugesFollowTheLastReport(EmbeddedServers stack) throws Exception {
        MutableClock clock = MutableClock.atNow();
        var env = new HashMap<String, String>();
        env.put("AWS_ACCESS_KEY_ID", EmbeddedServers.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedServers.SECRET_ACCESS_KEY);
        env.put("AWS_SESSION_TOKEN", "FQoGZXIvYXdzMETRICSTEST" + "SessionTokenBody".repeat(8));
        env.put("AWS_CREDENTIAL_EXPIRATION", clock.instant().plus(Duration.ofMinutes(30)).toString());
        env.put("AWS_DYNAMODB_ENDPOINT", stack.dynamoDb().endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", stack.s3().endpoint().toString());
        env.put("SECRET_KEY", "metrics-test-signing-key-0123456789abcdefgh");
        env.put("COFFER_METRICS_TOKEN", TOKEN);
        try (var coffer = TestCoffer.startRemote(TestCoffer.config("", env), clock)) {
            Http http = coffer.http();
            assertThat(sample(scrape(http), "coffer_credentials_expiry_seconds")).isEqualTo(1800.0);
            // No health report yet: unknown, and the scrape did not make one.
            assertThat(sample(scrape(http), "coffer_health_up{dependency=\"dynamodb\"}")).isNaN();

            assertThat(http.get("/health").status()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(20));
            String exposition = scrape(http);
            assertThat(sample(exposition, "coffer_credentials_expiry_seconds")).isEqualTo(600.0);
            assertThat(sample(exposition, "coffer_health_up{dependency=\"dynamodb\"}")).isEqualTo(1.0);
            assertThat(sample(exposition, "coffer_health_up{dependency=\"s3\"}")).isEqualTo(1.0);
            assertThat(sample(exposition, "coffer_health_up{dependency=\"credentials\"}")).isEqualTo(1.0);
            assertThat(sample(exposition, "coffer_health_up{dependency=\"oidc\"}")).isNaN();
        }
    }
}
