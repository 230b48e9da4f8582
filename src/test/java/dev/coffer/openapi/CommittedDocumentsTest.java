package dev.coffer.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.support.Json;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenAPI documents kept in the repository (the clients are generated from them by the build)
 * are exactly what Coffer serves at {@code /api/openapi.json} for their configuration. When one
 * differs, the failure names the first difference and the command that rewrites them:
 * {@code scripts/openapi-docs}, which runs this test with {@code -Dcoffer.updateDocs=true}.
 */
@ExtendWith(SharedEmbeddedServers.class)
class CommittedDocumentsTest {
    static final String UPDATE = "coffer.updateDocs";
    static final String REGENERATE = "scripts/openapi-docs";

    /** A committed document and the configuration it describes (none: the embedded default). */
    record Committed(Path document, Optional<Path> config) {
        @Override
        public String toString() {
            return document + " <- " + config.map(Path::toString).orElse("default configuration");
        }
    }

    static Stream<Committed> documents() {
        return Stream.of(
                new Committed(Path.of("api/openapi.json"), Optional.empty()),
                new Committed(Path.of("examples/openapi/dermalens.json"), Optional.of(Path.of("examples/dermalens.toml"))),
                new Committed(Path.of("examples/openapi/archpal.json"), Optional.of(Path.of("examples/archpal.toml"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void committedDocument_isWhatTheServerServesForItsConfiguration(Committed committed, EmbeddedServers stack) throws Exception {
        JsonNode served;
        try (var coffer = committed.config().map(toml -> TestCoffer.startExample(stack, toml, Map.of()))
                .orElseGet(() -> TestCoffer.start(stack, "", Map.of()))) {
            var response = coffer.http().get("/api/openapi.json");
            assertThat(response.status()).isEqualTo(200);
            served = response.json();
        }
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(committed.document().toAbsolutePath().getParent());
            Files.writeString(committed.document(), pretty(served));
        }
        assertThat(committed.document()).as("%s is missing; write it with %s", committed.document(), REGENERATE).exists();
        JsonNode kept = Json.mapper().readTree(committed.document().toFile());
        Optional<String> difference = firstDifference("", kept, served);
        assertThat(difference).as("%s is not what Coffer serves for %s (first difference at %s). Regenerate the committed "
                + "documents with %s (or ./mvnw test -Dtest=CommittedDocumentsTest -D%s=true) and commit them with the change.",
                committed.document(), committed.config().map(Path::toString).orElse("the default configuration"),
                difference.orElse(""), REGENERATE, UPDATE).isEmpty();
    }

    /** Two-space indent, one array element per line, {@code "key": value}: readable diffs in review. */
    static String pretty(JsonNode document) throws Exception {
        var indent = new DefaultIndenter("  ", "\n");
        var printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indent);
        printer.indentArraysWith(indent);
        return Json.mapper().writer(printer).writeValueAsString(document) + "\n";
    }

    /** The JSON pointer of the first place where {@code kept} and {@code served} differ, if any. */
    static Optional<String> firstDifference(String pointer, JsonNode kept, JsonNode served) {
        if (kept.equals(served)) {
            return Optional.empty();
        }
        if (kept.isObject() && served.isObject()) {
            for (Iterator<String> names = served.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                String at = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!kept.has(name)) {
                    return Optional.of(at + " (missing from the committed document)");
                }
                Optional<String> inner = firstDifference(at, kept.get(name), served.get(name));
                if (inner.isPresent()) {
                    return inner;
                }
            }
            for (Iterator<String> names = kept.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!served.has(name)) {
                    return Optional.of(pointer + "/" + name.replace("~", "~0").replace("/", "~1") + " (no longer served)");
                }
            }
        }
        if (kept.isArray() && served.isArray() && kept.size() == served.size()) {
            for (int i = 0; i < kept.size(); i++) {
                Optional<String> inner = firstDifference(pointer + "/" + i, kept.get(i), served.get(i));
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.of(pointer.isEmpty() ? "/" : pointer);
    }
}
