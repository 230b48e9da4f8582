package dev.coffer.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.ConfigKey;
import dev.coffer.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README true: the two commands at its top, and every configuration key documented. */
class ReadmeTest {
    private static final Path README = Path.of("README.md");

    @Test
    void readme_startsWithTheTwoSetupCommands() throws Exception {
        String text = Files.readString(README);
        int first = text.indexOf("./coffer serve");
        int second = text.indexOf("./run-tests");
        assertThat(first).isPositive().isLessThan(400);
        assertThat(second).isGreaterThan(first).isLessThan(400);
        assertThat(Files.readString(Path.of(".ci/run"))).contains("./run-tests");
    }

    @Test
    void readme_documentsEveryConfigKeyAndItsEnvNames() throws Exception {
        String text = Files.readString(README);
        for (ConfigKey key : ConfigKeys.all()) {
            assertThat(text).as("README documents " + key.name()).containsPattern("`" + java.util.regex.Pattern.quote(key.name()) + "`");
            String aliases = key.envNames().size() > 1 ? key.envNames().get(1) : key.envNames().get(0);
            assertThat(text).as("README names env " + aliases).contains("`" + aliases + "`");
        }
    }
}
