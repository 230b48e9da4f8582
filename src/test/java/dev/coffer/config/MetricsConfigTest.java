package dev.coffer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics.token} and {@code metrics.port}: off by default, validated, named when wrong, never printed. */
class MetricsConfigTest {
    @TempDir
    Path dir;

    private CofferConfig load(String toml, Map<String, String> env) throws IOException {
        Path tomlFile = dir.resolve("coffer.toml");
        Files.writeString(tomlFile, toml);
        return ConfigLoader.load(new ConfigLoader.Sources(Optional.of(tomlFile), Optional.empty(), env, Map.of()));
    }

    @Test
    void metrics_offByDefault() throws IOException {
        MetricsConfig metrics = load("", Map.of()).metrics();
        assertThat(metrics.enabled()).isFalse();
        assertThat(metrics.token()).isEmpty();
        assertThat(metrics.port()).isEmpty();
    }

    @Test
    void tokenOrPort_fromTomlOrEnvironment_turnMetricsOn() throws IOException {
        MetricsConfig byToken = load("", Map.of("COFFER_METRICS_TOKEN", "0123456789abcdef0123")).metrics();
        assertThat(byToken.enabled()).isTrue();
        assertThat(byToken.token().orElseThrow().reveal()).isEqualTo("0123456789abcdef0123");
        assertThat(byToken.toString()).doesNotContain("0123456789abcdef0123");
        MetricsConfig byPort = load("[metrics]\nport = 9100\n", Map.of()).metrics();
        assertThat(byPort.enabled()).isTrue();
        assertThat(byPort.port().orElseThrow()).isEqualTo(9100);
        assertThat(byPort.token()).isEmpty();
    }

    @Test
    void shortTokenOrBadPort_refusedNamingTheKey_withoutPrintingTheToken() throws IOException {
        assertThatThrownBy(() -> load("", Map.of("COFFER_METRICS_TOKEN", "short-tok")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("metrics.token (from environment): too short: use at least 16 random characters, e.g. the output of "
                        + "'openssl rand -hex 32'")
                .message().doesNotContain("short-tok");
        assertThatThrownBy(() -> load("[metrics]\nport = 70000\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("metrics.port (from coffer.toml): 70000 is out of range 0..65535");
        assertThatThrownBy(() -> load("[metrics]\nport = 8080\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("metrics.port (from coffer.toml): 8080 is server.port too: the metrics listener needs a port of its own "
                        + "(or leave metrics.port unset and set metrics.token)");
        assertThatThrownBy(() -> load("[metrics]\nport = \"nine\"\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("metrics.port (from coffer.toml): 'nine' is not a whole number");
    }
}
