package dev.coffer.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.config.CollectionConfig;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.Access;
import dev.coffer.http.Routes;
import dev.coffer.identity.Caller;
import dev.coffer.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The OpenAPI 3.1 document of one running configuration: the hand-written description of every
 * operation ({@code base.json} beside this class), with
 *
 * <ul>
 *   <li>each operation's {@code security} taken from the access its route declares, so the
 *       document cannot claim a route is open when it is not (or the reverse);
 *   <li>the generic {@code /collections/{collection}} paths replaced by one path per configured
 *       collection, with that collection's item schema (key attribute, index keys and their
 *       types, expiry attribute) and its index names in the {@code index} parameter;
 *   <li>every problem {@code code} from {@link ErrorCode}.
 * </ul>
 *
 * Building fails when a registered route has no description or a description has no route, so
 * the document and the route table cannot drift apart.
 */
public final class OpenApiDocument {
    static final String COLLECTION_ITEMS = "/api/v1/collections/{collection}/items";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String CONSOLE_PAGES = "/console";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head");

    private OpenApiDocument() {
    }

    /**
     * @param routes every declared route of the server
     * @param collections the configured collections, in declaration order
     * @param oidcIssuer the external issuer whose access tokens are accepted, if any
     */
    public static ObjectNode build(List<Routes.Declared> routes, Collection<CollectionConfig> collections, String version,
                                   Optional<URI> oidcIssuer) {
        ObjectNode doc = base();
        ((ObjectNode) doc.path("info")).put("version", version);
        oidcIssuer.ifPresent(issuer -> ((ObjectNode) doc.path("components").path("securitySchemes")).putObject("oidc")
                .put("type", "openIdConnect")
                .put("openIdConnectUrl", issuer.toString().replaceAll("/+$", "") + "/.well-known/openid-configuration")
                .put("description", "An access token of the configured issuer (ID tokens are refused)."));
        ArrayNode codes = (ArrayNode) doc.path("components").path("schemas").path("Problem").path("properties").path("code").path("enum");
        codes.removeAll();
        for (ErrorCode code : ErrorCode.values()) {
            codes.add(code.code());
        }
        ObjectNode paths = (ObjectNode) doc.path("paths");
        if (routes.stream().anyMatch(route -> route.access() instanceof Access.OperatorToken)) {
            ((ObjectNode) doc.path("components").path("securitySchemes")).putObject("operatorToken")
                    .put("type", "http").put("scheme", "bearer")
                    .put("description", "The operator's token (metrics.token), not a user's access token.");
        }
        for (Routes.Declared route : routes) {
            if (route.pattern().equals(CONSOLE_PAGES) || route.pattern().startsWith(CONSOLE_PAGES + "/")) {
                continue;   // the console's static page, script and style: a UI, not part of the API
            }
            ObjectNode operation = operation(paths, route);
            operation.set("security", security(route.access(), oidcIssuer.isPresent()));
            ObjectNode responses = (ObjectNode) operation.path("responses");
            responses.putObject("4XX").put("$ref", "#/components/responses/Problem");
            responses.putObject("5XX").put("$ref", "#/components/responses/Problem");
            operation.put("x-coffer-described", true);
        }
        paths.properties().forEach(path -> METHODS.forEach(method -> {
            JsonNode operation = path.getValue().path(method);
            if (operation.isObject() && !operation.path("x-coffer-described").asBoolean()
                    && operation.path("x-coffer-optional").asBoolean()) {
                // A route registered only when configured (GET /metrics): described when it is there.
                ((ObjectNode) path.getValue()).remove(method);
                return;
            }
            if (operation.isObject() && !operation.path("x-coffer-described").asBoolean()) {
                throw new IllegalStateException("the API description has " + method.toUpperCase(Locale.ROOT) + " " + path.getKey()
                        + " but no such route is registered");
            }
            if (operation.isObject()) {
                ((ObjectNode) operation).remove("x-coffer-described");
                ((ObjectNode) operation).remove("x-coffer-optional");
            }
        }));
        paths.properties().removeIf(path -> path.getValue().isEmpty());
        expandCollections(doc, collections);
        return doc;
    }

    /** The description of {@code route} in the base document; fails when there is none. */
    private static ObjectNode operation(ObjectNode paths, Routes.Declared route) {
        String path = route.pattern().replaceAll("<([a-z_]+)>", "{$1}");
        JsonNode operation = paths.path(path).path(route.method().toLowerCase(Locale.ROOT));
        if (!operation.isObject()) {
            throw new IllegalStateException("route " + route.method() + " " + route.pattern()
                    + " has no description in the API document (dev/coffer/openapi/base.json)");
        }
        return (ObjectNode) operation;
    }

    private static ArrayNode security(Access access, boolean oidc) {
        ArrayNode any = NODES.arrayNode();
        if (access instanceof Access.OperatorToken) {
            any.addObject().putArray("operatorToken");
        }
        if (access instanceof Access.Admins) {
            any.addObject().putArray("adminSession");
        }
        if (access instanceof Access.Callers callers) {
            if (callers.kinds().contains(Caller.Kind.ACCOUNT)) {
                any.addObject().putArray("accessToken");
            }
            if (callers.kinds().contains(Caller.Kind.SERVICE)) {
                ObjectNode both = any.addObject();
                both.putArray("serviceKey");
                both.putArray("onBehalfOf");
            }
            if (oidc && callers.kinds().contains(Caller.Kind.EXTERNAL)) {
                any.addObject().putArray("oidc");
            }
        }
        return any;   // empty: open to anyone
    }

    /** One copy of the generic collection paths per configured collection, with its own schemas. */
    private static void expandCollections(ObjectNode doc, Collection<CollectionConfig> collections) {
        ObjectNode paths = (ObjectNode) doc.path("paths");
        ObjectNode schemas = (ObjectNode) doc.path("components").path("schemas");
        JsonNode itemsTemplate = paths.remove(COLLECTION_ITEMS);
        JsonNode itemTemplate = paths.remove(COLLECTION_ITEMS + "/{id}");
        for (CollectionConfig c : collections) {
            String type = schemaName(c.name());
            schemas.set(type, itemSchema(c));
            schemas.set(type + "Input", inputSchema(c));
            schemas.set(type + "Page", NODES.objectNode().put("type", "object")
                    .<ObjectNode>set("required", NODES.arrayNode().add("items").add("next_cursor"))
                    .set("properties", NODES.objectNode()
                            .<ObjectNode>set("items", NODES.objectNode().put("type", "array").set("items", ref(type)))
                            .set("next_cursor", NODES.objectNode().set("type", NODES.arrayNode().add("string").add("null")))));
            String base = COLLECTION_ITEMS.replace("{collection}", c.name());
            paths.set(base, forCollection(itemsTemplate, c, type));
            paths.set(base + "/{id}", forCollection(itemTemplate, c, type));
        }
    }

    /** A copy of a generic path item for collection {@code c}: placeholders replaced, ids made unique. */
    private static JsonNode forCollection(JsonNode template, CollectionConfig c, String type) {
        ObjectNode copy = template.deepCopy();
        for (String method : METHODS) {
            JsonNode operation = copy.path(method);
            if (operation.isObject()) {
                ObjectNode op = (ObjectNode) operation;
                // listItems -> listScansItems, getItem -> getScansItem: what a generated client's methods are called.
                op.put("operationId", op.path("operationId").asText().replace("Item", type));
                op.put("summary", op.path("summary").asText() + " (" + c.name() + ")");
            }
        }
        return replacePlaceholders(copy, c, type);
    }

    private static JsonNode replacePlaceholders(JsonNode node, CollectionConfig c, String type) {
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "ITEM" -> ref(type);
                case "ITEM_INPUT" -> ref(type + "Input");
                case "ITEM_PAGE" -> ref(type + "Page");
                default -> node;
            };
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode element : node) {
                if (element.isTextual() && element.asText().equals("QUERY_PARAMS")) {
                    out.addAll(queryParameters(c));
                } else {
                    out.add(replacePlaceholders(element, c, type));
                }
            }
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            node.properties().forEach(e -> out.set(e.getKey(), replacePlaceholders(e.getValue(), c, type)));
            return out;
        }
        return node;
    }

    private static ArrayNode queryParameters(CollectionConfig c) {
        ArrayNode params = NODES.arrayNode();
        ObjectNode index = param(params, "index", "Query this index instead of the sort key '" + c.sortKey() + "'.");
        ArrayNode names = index.putObject("schema").put("type", "string").putArray("enum");
        c.indexes().forEach(i -> names.add(i.name()));
        if (c.indexes().isEmpty()) {
            params.remove(params.size() - 1);
        }
        param(params, "eq", "Key equals this value.").putObject("schema").put("type", "string").put("minLength", 1);
        param(params, "prefix", "String key starts with this value.").putObject("schema").put("type", "string").put("minLength", 1);
        param(params, "from", "Key at least this value.").putObject("schema").put("type", "string");
        param(params, "to", "Key at most this value.").putObject("schema").put("type", "string");
        ObjectNode order = param(params, "order", "Sort order of the key.").putObject("schema");
        order.put("type", "string").put("default", "asc").putArray("enum").add("asc").add("desc");
        param(params, "limit", "Items per page.").putObject("schema").put("type", "integer").put("minimum", 1).put("maximum", 1000)
                .put("default", 50);
        param(params, "cursor", "next_cursor of the previous page of the same query.").putObject("schema").put("type", "string");
        return params;
    }

    private static ObjectNode param(ArrayNode params, String name, String description) {
        return params.addObject().put("name", name).put("in", "query").put("required", false).put("description", description);
    }

    /** A stored item: the caller's id, the key, version and times the server sets, typed index keys. */
    private static ObjectNode itemSchema(CollectionConfig c) {
        ObjectNode schema = NODES.objectNode().put("type", "object").put("description", "An item of collection '" + c.name()
                + "' (table " + c.table() + "); any other attributes are the app's own.");
        schema.putArray("required").add(CollectionConfig.PARTITION_KEY).add(c.sortKey()).add("version")
                .add("created_at").add("updated_at");
        ObjectNode properties = schema.putObject("properties");
        properties.set(CollectionConfig.PARTITION_KEY, ref("UserId"));
        properties.putObject(c.sortKey()).put("type", "string").put("minLength", 1).put("maxLength", 1024);
        properties.putObject("version").put("type", "integer").put("minimum", 1);
        properties.putObject("created_at").put("type", "string").put("format", "date-time");
        properties.putObject("updated_at").put("type", "string").put("format", "date-time");
        typedKeys(properties, c);
        schema.put("additionalProperties", true);
        return schema;
    }

    /** What a client may send: any attributes but the server's, typed index keys. */
    private static ObjectNode inputSchema(CollectionConfig c) {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject(c.sortKey()).put("type", "string").put("minLength", 1).put("maxLength", 1024)
                .put("description", "Optional on create: generated when left out.");
        typedKeys(properties, c);
        schema.put("additionalProperties", true);
        // Said with propertyNames rather than `"version": false` properties: client generators
        // turn false schemas into nullable fields that they then send as null, which is refused.
        ArrayNode serverSet = schema.putObject("propertyNames").putObject("not").putArray("enum");
        CollectionConfig.SERVER_ATTRIBUTES.stream().sorted().forEach(serverSet::add);
        return schema;
    }

    private static void typedKeys(ObjectNode properties, CollectionConfig c) {
        for (CollectionConfig.IndexConfig index : c.indexes()) {
            ObjectNode key = properties.putObject(index.key()).put("description", "Key of index " + index.name() + ".");
            if (index.numeric()) {
                key.putArray("type").add("number").add("null");
            } else {
                key.putArray("type").add("string").add("null");
            }
        }
        c.ttlAttribute().ifPresent(ttl -> properties.putObject(ttl).put("description", "Expiry, epoch seconds.")
                .putArray("type").add("integer").add("null"));
    }

    /** "chat_messages" -> "ChatMessagesItem". */
    static String schemaName(String collection) {
        var name = new StringBuilder();
        for (String part : collection.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return name.append("Item").toString();
    }

    private static ObjectNode ref(String schema) {
        return NODES.objectNode().put("$ref", "#/components/schemas/" + schema);
    }

    private static ObjectNode base() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("base.json")) {
            if (in == null) {
                throw new IllegalStateException("dev/coffer/openapi/base.json is missing from the jar");
            }
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
