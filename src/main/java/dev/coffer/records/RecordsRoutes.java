package dev.coffer.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Access;
import dev.coffer.http.Exchange;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import dev.coffer.http.JsonBodies;
import dev.coffer.http.Routes;
import dev.coffer.support.EntityTags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/collections/{c}/items[/{id}]}: parse, authenticate, call {@link RecordStore},
 * render. Every failure of the request itself is decided before DynamoDB is called: unknown
 * collection (404), bad index or query (400), non-object or oversized body (400/413), server-set
 * attributes (400) here; values DynamoDB would refuse by {@link DynamoDbLimits} in the store.
 * Preconditions follow RFC 9110: {@code If-Match} compares strongly, {@code If-None-Match} weakly,
 * both take {@code *} and lists.
 */
final class RecordsRoutes implements ApiModule {
    /** Attributes the server sets; a body may not carry them. */
    static final Set<String> SERVER_SET = Set.of(Collection.USER_ID, "created_at", "updated_at", "version");
    /** An item's ETag is its version: canonical decimal digits. */
    private static final Pattern VERSION_TAG = Pattern.compile("0|[1-9][0-9]{0,17}");
    /** DynamoDB's bound on the values of an IN condition, which a DELETE with If-Match uses. */
    private static final int MAX_IF_MATCH_VERSIONS = 100;
    private static final String BASE = "/api/v1/collections/{collection}/items";

    private final RecordStore store;
    private final JsonBodies bodies;

    RecordsRoutes(RecordStore store, JsonBodies bodies) {
        this.store = store;
        this.bodies = bodies;
    }

    @Override
    public void register(Routes routes) {
        routes.post(BASE, Access.ANY_CALLER, this::create);
        routes.get(BASE, Access.ANY_CALLER, this::list);
        routes.get(BASE + "/{id}", Access.ANY_CALLER, this::read);
        routes.put(BASE + "/{id}", Access.ANY_CALLER, this::replace);
        routes.patch(BASE + "/{id}", Access.ANY_CALLER, this::patch);
        routes.delete(BASE + "/{id}", Access.ANY_CALLER, this::delete);
    }

    private void create(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        Collection c = collection(ctx);
        ObjectNode body = object(ctx);
        rejectServerAttributes(body, c, Optional.empty());
        switch (store.create(user, c, body)) {
            case WriteOutcome.Written w -> {
                ctx.status(201).header("Location", "/api/v1/collections/" + c.name() + "/items/" + w.item().get(c.sortKey()).asText());
                itemResponse(ctx, w.item());
            }
            case WriteOutcome.Conflict conflict -> throw new CofferException(ErrorCode.CONFLICT,
                    "an item with this " + c.sortKey() + " exists already");
            case WriteOutcome.Missing missing -> throw new IllegalStateException("create cannot miss");
        }
    }

    private void read(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        Collection c = collection(ctx);
        Optional<EntityTags> ifNoneMatch = entityTags(ctx, "If-None-Match");
        ObjectNode item = store.get(user, c, id(ctx)).orElseThrow(() -> notFound(c));
        String etag = etag(item);
        if (ifNoneMatch.isPresent() && ifNoneMatch.get().weakMatch(etag)) {
            ctx.status(304).header("ETag", etag);
            return;
        }
        itemResponse(ctx, item);
    }

    private void replace(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        Collection c = collection(ctx);
        String id = id(ctx);
        ObjectNode body = object(ctx);
        rejectServerAttributes(body, c, Optional.of(id));
        body.remove(c.sortKey());
        written(ctx, c, store.replace(user, c, id, body, ifMatch(ctx)));
    }

    private void patch(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        Collection c = collection(ctx);
        String id = id(ctx);
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        if (!type.startsWith("application/merge-patch+json") && !type.startsWith("application/json")) {
            throw new CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the patch as application/merge-patch+json");
        }
        ObjectNode patch = objectOf(bodies.treeAnyJson(ctx));
        rejectServerAttributes(patch, c, Optional.of(id));
        patch.remove(c.sortKey());
        written(ctx, c, store.patch(user, c, id, patch, ifMatch(ctx)));
    }

    private void delete(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        Collection c = collection(ctx);
        switch (store.delete(user, c, id(ctx), ifMatch(ctx))) {
            case WriteOutcome.Written w -> ctx.status(204);
            case WriteOutcome.Missing m -> throw notFound(c);
            case WriteOutcome.Conflict conflict -> throw versionConflict(conflict);
        }
    }

    private void list(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        Collection c = collection(ctx);
        QuerySpec spec = querySpec(ctx, c);
        RecordStore.Page page = store.query(user, c, spec);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items());
        body.put("next_cursor", page.nextCursor().orElse(null));
        ctx.json(body);
    }

    private void written(Exchange ctx, Collection c, WriteOutcome outcome) {
        switch (outcome) {
            case WriteOutcome.Written w -> itemResponse(ctx, w.item());
            case WriteOutcome.Missing m -> throw notFound(c);
            case WriteOutcome.Conflict conflict -> throw versionConflict(conflict);
        }
    }

    private static void itemResponse(Exchange ctx, ObjectNode item) {
        ctx.header("ETag", etag(item)).json(item);
    }

    private static String etag(ObjectNode item) {
        return "\"" + item.path("version").asLong() + "\"";
    }

    private static QuerySpec querySpec(Exchange ctx, Collection c) {
        for (String parameter : ctx.queryParamMap().keySet()) {
            if (!Set.of("index", "eq", "prefix", "from", "to", "order", "limit", "cursor").contains(parameter)) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "unknown query parameter '" + parameter + "'");
            }
        }
        Optional<String> index = param(ctx, "index");
        if (index.isPresent() && c.index(index.get()).isEmpty()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "collection '" + c.name() + "' has no index '" + index.get() + "'");
        }
        Optional<String> eq = param(ctx, "eq");
        Optional<String> prefix = param(ctx, "prefix");
        Optional<String> from = param(ctx, "from");
        Optional<String> to = param(ctx, "to");
        int forms = (eq.isPresent() ? 1 : 0) + (prefix.isPresent() ? 1 : 0) + (from.isPresent() || to.isPresent() ? 1 : 0);
        if (forms > 1) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "use one of eq, prefix, or from/to");
        }
        if (prefix.isPresent() && index.flatMap(c::index).map(dev.coffer.config.CollectionConfig.IndexConfig::numeric).orElse(false)) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "prefix works on string keys only");
        }
        String order = param(ctx, "order").orElse("asc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "order must be asc or desc");
        }
        int limit = QuerySpec.DEFAULT_LIMIT;
        Optional<String> rawLimit = param(ctx, "limit");
        if (rawLimit.isPresent()) {
            try {
                limit = Integer.parseInt(rawLimit.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > QuerySpec.MAX_LIMIT) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "limit must be 1.." + QuerySpec.MAX_LIMIT);
            }
        }
        return new QuerySpec(index, eq, prefix, from, to, order.equals("desc"), limit, param(ctx, "cursor"));
    }

    private static Optional<String> param(Exchange ctx, String name) {
        String value = ctx.queryParam(name);
        // An empty cursor is the first page (clients often send cursor= when they have none); any
        // other empty parameter would silently drop a condition, e.g. eq= listing everything.
        if (value == null || (value.isEmpty() && name.equals("cursor"))) {
            return Optional.empty();
        }
        if (value.isEmpty()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "query parameter '" + name
                    + "' is empty; leave it out, or give it a value");
        }
        if (value.length() > 4096 || value.chars().anyMatch(ch -> ch < 0x20)) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "query parameter '" + name + "' is not acceptable");
        }
        return Optional.of(value);
    }

    private Collection collection(Exchange ctx) {
        String name = ctx.pathParam("collection");
        return store.collection(name).orElseThrow(() -> new CofferException(ErrorCode.NOT_FOUND,
                "no collection '" + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'"));
    }

    /** The id in the path; its length is DynamoDB's sort key bound, checked by the store ({@link DynamoDbLimits}). */
    private static String id(Exchange ctx) {
        String id = ctx.pathParam("id");
        if (id.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "the item id must not contain control characters");
        }
        return id;
    }

    private ObjectNode object(Exchange ctx) {
        return objectOf(bodies.tree(ctx));
    }

    private static ObjectNode objectOf(JsonNode node) {
        if (!node.isObject()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static void rejectServerAttributes(ObjectNode body, Collection c, Optional<String> pathId) {
        for (String name : SERVER_SET) {
            if (body.has(name)) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'" + name + "' is set by the server; leave it out");
            }
        }
        // Sort key and index keys: their types and sizes are DynamoDB's limits, checked by the
        // store (DynamoDbLimits) on every write path; what is checked here is Coffer's own rule.
        JsonNode sortKey = body.get(c.sortKey());
        if (sortKey != null) {
            if (!sortKey.isTextual() || sortKey.asText().chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'" + c.sortKey()
                        + "' is the item id and must be a string without control characters");
            }
            if (pathId.isPresent() && !pathId.get().equals(sortKey.asText())) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'" + c.sortKey() + "' in the body differs from the id in the path");
            }
        }
        c.config().ttlAttribute().ifPresent(ttl -> {
            JsonNode value = body.get(ttl);
            if (value != null && !value.isNull() && !(value.isIntegralNumber() && value.asLong() >= 0)) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'" + ttl + "' is the expiry attribute and must be epoch seconds (a whole number)");
            }
        });
    }

    /**
     * {@code If-Match}, compared strongly (RFC 9110 13.1.1): a weak tag ({@code W/"3"}) or one that
     * is no version of ours can never match, so it is left out of the versions a write accepts.
     */
    private static IfMatch ifMatch(Exchange ctx) {
        Optional<EntityTags> tags = entityTags(ctx, "If-Match");
        // "*" asks for any current version, which every write requires anyway (404 otherwise).
        if (tags.isEmpty() || tags.get().any()) {
            return new IfMatch.None();
        }
        var versions = new java.util.HashSet<Long>();
        for (EntityTags.Tag tag : tags.get().tags()) {
            if (!tag.weak() && VERSION_TAG.matcher(tag.opaque()).matches()) {
                versions.add(Long.parseLong(tag.opaque()));
            }
        }
        if (versions.size() > MAX_IF_MATCH_VERSIONS) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'If-Match' lists more than " + MAX_IF_MATCH_VERSIONS
                    + " versions");
        }
        return new IfMatch.Versions(versions);
    }

    /** A precondition header's entity tags; absent when not sent, 400 naming it when malformed. */
    private static Optional<EntityTags> entityTags(Exchange ctx, String header) {
        String value = ctx.header(header);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(EntityTags.parse(value).orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED,
                "'" + header + "' must be * or a list of ETags like \"3\"")));
    }

    private static CofferException notFound(Collection c) {
        return new CofferException(ErrorCode.NOT_FOUND, "no such item in '" + c.name() + "'");
    }

    private static CofferException versionConflict(WriteOutcome.Conflict conflict) {
        return new CofferException(ErrorCode.PRECONDITION_FAILED, "the item is at version " + conflict.currentVersion()
                + "; read it again and retry with its ETag");
    }
}
