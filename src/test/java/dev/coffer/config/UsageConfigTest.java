package dev.coffer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quotas.*, usage.flush_interval and pricing.*: defaults off / documented, validated, the rejected key named. */
class UsageConfigTest {
    @TempDir
    Path dir;

    private CofferConfig load(String toml, Map<String, String> env) throws IOException {
        Path tomlFile = dir.resolve("coffer.toml");
        Files.writeString(tomlFile, toml);
        return ConfigLoader.load(new ConfigLoader.Sources(Optional.of(tomlFile), Optional.empty(), env, Map.of()));
    }

    @Test
    void defaults_quotasOff_flushEvery5s_usEast1Prices() throws IOException {
        UsageConfig usage = load("", Map.of()).usage();
        assertThat(usage.quotas()).isEqualTo(QuotasConfig.NONE);
        assertThat(usage.flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(usage.pricing().region()).isEqualTo("us-east-1");
        assertThat(usage.pricing().dynamoDbWritePerMillion()).isEqualByComparingTo("0.625");
        assertThat(usage.pricing().matches("us-west-2")).isTrue();
        assertThat(usage.pricing().matches("eu-west-1")).isFalse();
    }

    @Test
    void quotas_fromTomlAndEnvironment_offMeansNone() throws IOException {
        QuotasConfig quotas = load("[quotas]\nfiles_count = 5\nfiles_bytes = \"off\"\n",
                Map.of("COFFER_QUOTAS_ITEMS_PER_COLLECTION", "100", "COFFER_QUOTAS_REQUESTS_PER_MINUTE", "600")).usage().quotas();
        assertThat(quotas.filesCount()).contains(5L);
        assertThat(quotas.filesBytes()).isEmpty();
        assertThat(quotas.itemsPerCollection()).contains(100L);
        assertThat(quotas.requestsPerMinute()).contains(600L);
    }

    @Test
    void badValues_refusedNamingTheKey() {
        assertThatThrownBy(() -> load("[quotas]\nfiles_count = -1\n", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("quotas.files_count (from coffer.toml):");
        assertThatThrownBy(() -> load("", Map.of("COFFER_QUOTAS_FILES_BYTES", "lots"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("quotas.files_bytes (from environment):");
        assertThatThrownBy(() -> load("[pricing]\ns3_storage_gb_month = \"cheap\"\n", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pricing.s3_storage_gb_month").hasMessageContaining("'cheap' is not a decimal number like 0.125");
        assertThatThrownBy(() -> load("[usage]\nflush_interval = \"10ms\"\n", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("usage.flush_interval (from coffer.toml):");
    }

    @Test
    void pricing_overridesOneItem_keepsTheRestAndTheirRegion() throws IOException {
        PricingConfig prices = load("[pricing]\ntransfer_out_per_gb = 0.05\n", Map.of()).usage().pricing();
        assertThat(prices.transferOutPerGb()).isEqualByComparingTo(new BigDecimal("0.05"));
        assertThat(prices.s3StorageGbMonth()).isEqualByComparingTo("0.023");
        assertThat(prices.region()).isEqualTo("us-east-1");
    }
}
