package dev.coffer.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.http.Access;
import dev.coffer.http.Routes;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/openapi.json}: one operation per registered route and no other, security as the
 * routes declare it, each configured collection with its own item schema and index names.
 */
@ExtendWith(SharedEmbeddedServers.class)
class OpenApiDocumentTest {
    static final String TOML = """
            [collections.chat_messages]
            table = "t-chat-%s"
            sort_key = "message_id"
            ttl_attribute = "expires"
            [[collections.chat_messages.indexes]]
            name = "by-created"
            kind = "local"
            key = "created"
            key_type = "number"
            [collections.scans]
            table = "t-scans-%s"
            """;
    static TestCoffer coffer;
    static JsonNode doc;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        String suffix = Long.toHexString(System.nanoTime());
        coffer = TestCoffer.start(stack, TOML.formatted(suffix, suffix), Map.of());
        var response = coffer.http().get("/api/openapi.json");
        assertThat(response.status()).isEqualTo(200);
        doc = response.json();
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    @Test
    void everyRegisteredRoute_isDocumented_andNothingElse() {
        var routes = new TreeSet<String>();
        for (Routes.Declared route : coffer.server().routes()) {
            if (route.pattern().startsWith("/console")) {
                continue;   // the console's static page, script and style: a UI, not the API
            }
            String path = route.pattern().replaceAll("<([a-z_]+)>", "{$1}");
            if (!path.startsWith("/api/v1/collections/")) {
                routes.add(route.method() + " " + path);   // e.g. the admin API's {collection}: one generic path
                continue;
            }
            for (String collection : List.of("chat_messages", "scans")) {
                routes.add(route.method() + " " + path.replace("{collection}", collection));
            }
        }
        var documented = new TreeSet<String>();
        doc.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (List.of("get", "put", "post", "delete", "patch", "head").contains(method)) {
                documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        assertThat(documented).isEqualTo(routes);
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void security_followsTheDeclaredAccess() {
        assertThat(doc.at("/paths/~1api~1v1~1auth~1login/post/security")).isEmpty();
        assertThat(doc.at("/paths/~1api~1v1~1auth~1me/get/security").toString()).isEqualTo("[{\"accessToken\":[]}]");
        assertThat(doc.at("/paths/~1api~1v1~1files/get/security").toString())
                .isEqualTo("[{\"accessToken\":[]},{\"serviceKey\":[],\"onBehalfOf\":[]}]");
    }

    @Test
    void collections_eachWithItsOwnSchemaAndIndexes() {
        JsonNode item = doc.at("/components/schemas/ChatMessagesItem");
        assertThat(item.path("required").toString()).contains("\"message_id\"").contains("\"user_id\"");
        assertThat(item.at("/properties/created/type").toString()).isEqualTo("[\"number\",\"null\"]");
        assertThat(item.at("/properties/expires/type").toString()).isEqualTo("[\"integer\",\"null\"]");
        JsonNode list = doc.at("/paths/~1api~1v1~1collections~1chat_messages~1items/get");
        assertThat(list.path("operationId").asText()).isEqualTo("listChatMessagesItems");
        assertThat(list.toString()).contains("\"enum\":[\"by-created\"]");
        assertThat(doc.at("/components/schemas/ScansItem/required").toString()).contains("\"id\"");
        assertThat(doc.at("/components/schemas/ScansItemInput/propertyNames/not/enum").toString())
                .isEqualTo("[\"created_at\",\"updated_at\",\"user_id\",\"version\"]");
    }

    @Test
    void problemCodes_areEveryStableCode() {
        var codes = new ArrayList<String>();
        doc.at("/components/schemas/Problem/properties/code/enum").forEach(code -> codes.add(code.asText()));
        assertThat(codes).contains("unauthorized", "validation_failed", "identity_provider_unavailable", "access_denied");
        assertThat(codes).hasSize(dev.coffer.error.ErrorCode.values().length);
    }

    @Test
    void build_routeWithoutDescription_refused() {
        var routes = new ArrayList<>(coffer.server().routes());
        routes.add(new Routes.Declared("GET", "/api/v1/undocumented", Access.PUBLIC));
        assertThatThrownBy(() -> OpenApiDocument.build(routes, List.of(), "test", Optional.empty()))
                .hasMessage("route GET /api/v1/undocumented has no description in the API document (dev/coffer/openapi/base.json)");
    }

    @Test
    void build_descriptionWithoutRoute_refused() {
        var routes = new ArrayList<>(coffer.server().routes());
        routes.removeIf(route -> route.pattern().equals("/api/v1/auth/whoami"));
        assertThatThrownBy(() -> OpenApiDocument.build(routes, List.of(), "test", Optional.empty()))
                .hasMessage("the API description has GET /api/v1/auth/whoami but no such route is registered");
    }
}
