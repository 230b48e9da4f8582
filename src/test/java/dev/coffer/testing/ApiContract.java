package dev.coffer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.coffer.support.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The served OpenAPI document as a test oracle: every answer a test receives from a Coffer server
 * (through {@link Http} of a {@link TestCoffer}) is checked against the operation the document
 * gives for its method and path: the status must be documented (or a 4XX/5XX problem), the
 * content type must be one the response declares, and a JSON body must validate against the
 * response's schema. A mismatch fails the test that received the answer.
 */
public final class ApiContract {
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final List<String> JSON_TYPES = List.of("application/json", "application/problem+json");

    private final JsonNode document;
    private final JsonNode definitions;
    private final List<Template> templates = new ArrayList<>();
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    private record Template(String path, List<String> segments, int literals) {
    }

    private ApiContract(JsonNode document) {
        this.document = document;
        // The component schemas as $defs of each compiled schema, so their $refs resolve locally.
        this.definitions = rewriteRefs(document.path("components").path("schemas"));
        document.path("paths").fieldNames().forEachRemaining(path -> {
            List<String> segments = List.of(path.substring(1).split("/", -1));
            int literals = (int) segments.stream().filter(s -> !s.startsWith("{")).count();
            templates.add(new Template(path, segments, literals));
        });
        // The most literal template first: /files/presign before /files/{path}.
        templates.sort((a, b) -> Integer.compare(b.literals(), a.literals()));
    }

    /** The contract of the server at {@code base}, read from its {@code /api/openapi.json}. */
    public static ApiContract of(URI base) {
        try {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(base.resolve("/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("no API document at " + base + ": " + response.statusCode());
            }
            return new ApiContract(Json.mapper().readTree(response.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** Fails (AssertionError) when the answer is not what the document promises. */
    public void check(String method, URI uri, int status, Optional<String> contentType, byte[] body) {
        String where = method + " " + uri.getRawPath() + " -> " + status;
        Optional<String> template = templateOf(uri.getRawPath());
        if (template.isEmpty()) {
            // No such path: only a problem answer is right.
            checkBody(where, document.path("components").path("responses").path("Problem"), contentType, body);
            return;
        }
        JsonNode item = document.path("paths").path(template.get());
        JsonNode operation = item.path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode() && method.equals("HEAD")) {
            operation = item.path("get");
        }
        if (operation.isMissingNode()) {
            if (status != 405) {
                throw new AssertionError(where + ": the document has no " + method + " " + template.get());
            }
            checkBody(where, document.path("components").path("responses").path("Problem"), contentType, body);
            return;
        }
        JsonNode responses = operation.path("responses");
        JsonNode response = responses.path(Integer.toString(status));
        if (response.isMissingNode()) {
            response = responses.path(status / 100 + "XX");
        }
        if (response.isMissingNode()) {
            throw new AssertionError(where + ": status not documented for " + method + " " + template.get()
                    + " (documented: " + iterable(responses.fieldNames()) + ")");
        }
        if (method.equals("HEAD")) {
            return;   // no body
        }
        checkBody(where, resolve(response), contentType, body);
    }

    private void checkBody(String where, JsonNode response, Optional<String> contentType, byte[] body) {
        JsonNode content = resolve(response).path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (body.length > 0) {
                throw new AssertionError(where + ": a body the document does not declare");
            }
            return;
        }
        String type = contentType.map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT)).orElse("");
        JsonNode media = content.path(type);
        if (media.isMissingNode()) {
            if (content.has("*/*")) {
                return;   // stored bytes of any type, e.g. a downloaded file
            }
            throw new AssertionError(where + ": content type '" + type + "' not declared (declared: "
                    + iterable(content.fieldNames()) + ")");
        }
        if (!JSON_TYPES.contains(type) || body.length == 0) {
            return;
        }
        JsonNode value;
        try {
            value = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError(where + ": declared JSON, got " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonNode declared = media.path("schema");
        JsonSchema schema = compiled.computeIfAbsent(declared.toString(), key -> compile(declared));
        Set<ValidationMessage> errors = schema.validate(value);
        if (!errors.isEmpty()) {
            throw new AssertionError(where + ": the body does not match the document: " + errors + "\nbody: " + value);
        }
    }

    private JsonSchema compile(JsonNode schema) {
        ObjectNode wrapper = (ObjectNode) rewriteRefs(schema);
        wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        wrapper.set("$defs", definitions);
        return SCHEMAS.getSchema(wrapper);
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        if (ref.startsWith("#/")) {
            return document.at(ref.substring(1));
        }
        return node;
    }

    private Optional<String> templateOf(String rawPath) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        List<String> segments = List.of(path.substring(1).split("/", -1));
        for (Template template : templates) {
            if (matches(template.segments(), segments)) {
                return Optional.of(template.path());
            }
        }
        return Optional.empty();
    }

    private static boolean matches(List<String> template, List<String> path) {
        for (int i = 0; i < template.size(); i++) {
            String part = template.get(i);
            boolean last = i == template.size() - 1;
            if (i >= path.size()) {
                return false;
            }
            if (part.equals("{path}") && last) {
                return !path.get(i).isEmpty();   // the rest of the path, slashes and all
            }
            if (part.startsWith("{") ? path.get(i).isEmpty() : !part.equals(path.get(i))) {
                return false;
            }
        }
        return template.size() == path.size();
    }

    private static JsonNode rewriteRefs(JsonNode node) {
        try {
            return Json.mapper().readTree(node.toString().replace("\"#/components/schemas/", "\"#/$defs/"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        var list = new ArrayList<String>();
        names.forEachRemaining(list::add);
        return list;
    }
}
