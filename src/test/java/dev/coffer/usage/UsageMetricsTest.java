package dev.coffer.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.MutableClock;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The usage series on {@code GET /metrics}: API requests by service and kind, quota refusals by
 * quota, S3 requests by price class, bytes out, and the deployment's cost this month from its
 * flushed month item; counted for the instance, with no user id anywhere in the exposition.
 */
@ExtendWith(SharedEmbeddedServers.class)
class UsageMetricsTest {
    private static final String TOKEN = "usage-metrics-token-0123456789abcdef";
    /** Mid-month and fixed, so the projection is larger than the cost so far. */
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-11T12:00:00Z"));

    private static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("no sample " + series + " in:\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String scrape(Http http) {
        Http.Response response = http.request("GET", "/metrics").bearer(TOKEN).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void metrics_usageSeriesAfterWritesAndARefusal_countedWithoutUserIds(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, """
                [quotas]
                files_count = 1
                [collections.notes]
                table = "t-usage-metrics-%s"
                sort_key = "note_id"
                """.formatted(Long.toHexString(System.nanoTime())), Map.of("COFFER_METRICS_TOKEN", TOKEN), CLOCK)) {
            Http http = coffer.http();
            String user = "metered-user-7f3a";
            String token = coffer.tokenFor(user);
            String before = scrape(http);
            assertThat(sample(before, "coffer_usage_cost_usd{period=\"so_far\"}")).isZero();
            assertThat(http.request("POST", "/api/v1/collections/notes/items").bearer(token)
                    .body("{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8), "application/json").send().status()).isEqualTo(201);
            assertThat(http.request("PUT", "/api/v1/files/a.bin").bearer(token).body(new byte[100], "application/octet-stream").send()
                    .status()).isEqualTo(200);
            Http.Response refused = http.request("PUT", "/api/v1/files/b.bin").bearer(token)
                    .body(new byte[10], "application/octet-stream").send();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("code").asText()).isEqualTo("quota_exceeded");
            assertThat(http.get("/api/v1/files/a.bin", token).bytes()).hasSize(100);

            String exposition = scrape(http);

            assertThat(sample(exposition, "coffer_usage_api_requests_total{kind=\"write\",service=\"records\"}")).isEqualTo(1);
            assertThat(sample(exposition, "coffer_usage_api_requests_total{kind=\"write\",service=\"files\"}")).isEqualTo(2);
            assertThat(sample(exposition, "coffer_usage_api_requests_total{kind=\"read\",service=\"files\"}")).isEqualTo(1);
            assertThat(sample(exposition, "coffer_usage_api_requests_total{kind=\"read\",service=\"records\"}")).isZero();
            assertThat(sample(exposition, "coffer_quota_exceeded_total{quota=\"files_count\"}")).isEqualTo(1);
            assertThat(sample(exposition, "coffer_quota_exceeded_total{quota=\"files_bytes\"}")).isZero();
            assertThat(sample(exposition, "coffer_quota_exceeded_total{quota=\"requests_per_minute\"}")).isZero();
            // One PutObject (the refused upload wrote nothing); the HEAD before each upload and the GetObject.
            assertThat(sample(exposition, "coffer_usage_s3_requests_total{class=\"put\"}")).isEqualTo(1);
            assertThat(sample(exposition, "coffer_usage_s3_requests_total{class=\"get\"}")).isEqualTo(3);
            assertThat(sample(exposition, "coffer_usage_transfer_out_bytes_total")).isEqualTo(100);
            assertThat(exposition).doesNotContain(user);
            // The cost was read before anything was flushed, and is kept for a minute: no read per scrape.
            assertThat(sample(exposition, "coffer_usage_cost_usd{period=\"so_far\"}")).isZero();

            coffer.server().flushUsage();
            CLOCK.advance(UsageSeries.COST_REFRESH);
            String later = scrape(http);
            double soFar = sample(later, "coffer_usage_cost_usd{period=\"so_far\"}");
            double projected = sample(later, "coffer_usage_cost_usd{period=\"projected\"}");
            var month = coffer.server().usageReport().deploymentCost();
            assertThat(soFar).isPositive().isEqualTo(month.soFar());
            assertThat(projected).isEqualTo(month.projected()).isGreaterThan(soFar);
            assertThat(later).doesNotContain(user);
        }
    }
}
