package dev.coffer.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.Access;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Exchange;
import dev.coffer.http.JsonBodies;
import dev.coffer.http.Routes;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/auth/me/usage}: the caller's own usage, quotas and cost estimate. For console
 * admins: {@code GET /api/v1/admin/usage} (the deployment, top users by cost and by storage),
 * {@code GET /api/v1/admin/users/{user_id}/usage} and {@code PUT /api/v1/admin/users/{user_id}/quotas}
 * (per-user overrides).
 */
public final class UsageRoutes implements ApiModule {
    private static final Logger LOG = LoggerFactory.getLogger("dev.coffer.admin.audit");
    static final int DEFAULT_TOP = 10;
    static final int MAX_TOP = 100;

    private final UsageReport report;
    private final UsageStore store;
    private final JsonBodies bodies;

    public UsageRoutes(UsageReport report, UsageStore store, JsonBodies bodies) {
        this.report = report;
        this.store = store;
        this.bodies = bodies;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/auth/me/usage", Access.ANY_CALLER, this::mine);
        routes.get("/api/v1/admin/usage", Access.ADMIN, (ctx, admin) -> ctx.json(report.json(report.deployment(top(ctx)))));
        routes.get("/api/v1/admin/users/{user_id}/usage", Access.ADMIN, (ctx, admin) ->
                ctx.json(report.json(report.user(userId(ctx)))));
        routes.put("/api/v1/admin/users/{user_id}/quotas", Access.ADMIN, (ctx, admin) -> {
            UserId user = userId(ctx);
            JsonNode body = bodies.read(ctx, JsonNode.class);
            var changes = quotaChanges(body);
            changes.forEach((quota, value) -> store.setQuota(user, quota, value));
            LOG.info("admin {} set quotas of user {} to {} id={}", admin.id(), user.value(), changes, ctx.requestId());
            ctx.json(report.json(report.user(user)));
        });
    }

    private void mine(Exchange ctx, Caller caller) {
        ctx.json(report.json(report.user(caller.userId())));
    }

    /**
     * The body names quotas ({@code files_bytes}, ...) with a whole number (the user's limit), -1
     * (no limit for this user) or null (back to the deployment's default).
     */
    static Map<QuotaKey, Optional<Long>> quotaChanges(JsonNode body) {
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "the body names quotas to set, e.g. {\"files_bytes\": 1073741824}");
        }
        var changes = new java.util.EnumMap<QuotaKey, Optional<Long>>(QuotaKey.class);
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            var field = fields.next();
            QuotaKey quota = QuotaKey.parse(field.getKey()).orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED,
                    "'" + field.getKey() + "' is not a quota (files_bytes, files_count, items_per_collection, requests_per_minute)"));
            JsonNode value = field.getValue();
            if (value.isNull()) {
                changes.put(quota, Optional.empty());
            } else if (value.canConvertToExactIntegral() && value.canConvertToLong() && value.asLong() >= -1) {
                changes.put(quota, Optional.of(value.asLong()));
            } else {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'" + field.getKey()
                        + "' must be a whole number of at least 0, -1 for no limit, or null for the default");
            }
        }
        return changes;
    }

    private static int top(Exchange ctx) {
        String raw = ctx.queryParam("top");
        if (raw == null) {
            return DEFAULT_TOP;
        }
        try {
            int top = Integer.parseInt(raw);
            if (top >= 1 && top <= MAX_TOP) {
                return top;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new CofferException(ErrorCode.VALIDATION_FAILED, "'top' must be 1.." + MAX_TOP);
    }

    private static UserId userId(Exchange ctx) {
        String raw = ctx.pathParam("user_id");
        return UserId.parse(raw).orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED,
                "'user_id' " + UserId.problemWith(raw).orElse("is not valid")));
    }
}
