package dev.coffer.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coffer.auth.AdminAccounts;
import dev.coffer.auth.UserDirectory;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.files.FilesForOperators;
import dev.coffer.http.Access;
import dev.coffer.http.AdminSessionCookie;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Exchange;
import dev.coffer.http.JsonBodies;
import dev.coffer.http.Routes;
import dev.coffer.identity.Admin;
import dev.coffer.identity.UserId;
import dev.coffer.records.RecordsForOperators;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/admin/...}: everything the console does, as API calls an operator can script.
 * Only the setup check and login are open; every other route is {@link Access#ADMIN} (the edge
 * checks the session cookie, and the CSRF header on writes, and logs each call with the admin's
 * id). What changes a user's state is logged here once more, with what changed.
 */
final class AdminRoutes implements ApiModule {
    static final String BASE = "/api/v1/admin";
    private static final Logger LOG = LoggerFactory.getLogger("dev.coffer.admin.audit");
    private static final int DEFAULT_LIMIT = 25;
    private static final int MAX_LIMIT = 100;
    private static final Set<String> STATUS_CLASSES = Set.of("1xx", "2xx", "3xx", "4xx", "5xx");

    private final AdminAccounts admins;
    private final UserDirectory users;
    private final RecordsForOperators records;
    private final FilesForOperators files;
    private final Overview overview;
    private final ActivityLog activity;
    private final JsonBodies bodies;

    AdminRoutes(AdminAccounts admins, UserDirectory users, RecordsForOperators records, FilesForOperators files, Overview overview,
                ActivityLog activity, JsonBodies bodies) {
        this.admins = admins;
        this.users = users;
        this.records = records;
        this.files = files;
        this.overview = overview;
        this.activity = activity;
        this.bodies = bodies;
    }

    record Login(@JsonProperty("email") String email, @JsonProperty("password") String password) {
    }

    @Override
    public void register(Routes routes) {
        routes.get(BASE + "/setup", Access.PUBLIC, ctx -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("admin_exists", admins.anyAdmin());
            body.put("create_command", "coffer admin create EMAIL");
            ctx.json(body);
        });
        routes.post(BASE + "/session", Access.PUBLIC, ctx -> {
            Login body = bodies.read(ctx, Login.class);
            AdminAccounts.NewSession session = admins.login(body.email(), body.password(), ctx.remoteAddress());
            LOG.info("admin {} ({}) logged in from {} id={}", session.admin().id(), session.admin().email(), ctx.remoteAddress(),
                    ctx.requestId());
            ctx.addHeader("Set-Cookie", AdminSessionCookie.start(session.token(), AdminAccounts.SESSION_LIFETIME, ctx));
            ctx.json(sessionBody(session.admin(), session.csrfToken(), session.expiresAt().toString()));
        });
        routes.get(BASE + "/session", Access.ADMIN, (ctx, admin) -> {
            var session = admins.session(ctx.cookie(AdminSessionCookie.NAME)).orElseThrow();
            ctx.json(sessionBody(admin, session.csrfToken(), null));
        });
        routes.delete(BASE + "/session", Access.ADMIN, (ctx, admin) -> {
            admins.logout(ctx.cookie(AdminSessionCookie.NAME));
            ctx.addHeader("Set-Cookie", AdminSessionCookie.clear(ctx));
            ctx.status(204);
        });
        routes.get(BASE + "/overview", Access.ADMIN, (ctx, admin) -> ctx.json(overview.overview()));
        routes.get(BASE + "/doctor", Access.ADMIN, (ctx, admin) -> ctx.json(overview.lastDoctor()));
        routes.post(BASE + "/doctor", Access.ADMIN, (ctx, admin) -> ctx.json(overview.runDoctor()));
        registerUsers(routes);
        routes.get(BASE + "/collections", Access.ADMIN, (ctx, admin) -> ctx.json(Map.of("collections", records.collections())));
        routes.get(BASE + "/collections/{collection}/items", Access.ADMIN, (ctx, admin) -> {
            var page = records.browse(ctx.pathParam("collection"), cursor(ctx), limit(ctx));
            ctx.json(itemPage(page));
        });
        routes.get(BASE + "/activity", Access.ADMIN, (ctx, admin) -> {
            Optional<String> status = Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isEmpty());
            if (status.isPresent() && !STATUS_CLASSES.contains(status.get())) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'status' must be one of 1xx, 2xx, 3xx, 4xx, 5xx");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("capacity", activity.capacity());
            body.put("requests", activity.latest(status, limit(ctx, 200, 1000)));
            ctx.json(body);
        });
    }

    private void registerUsers(Routes routes) {
        routes.get(BASE + "/users", Access.ADMIN, (ctx, admin) -> {
            UserDirectory.Page page = users.search(ctx.queryParam("q"), cursor(ctx), limit(ctx));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("users", page.users().stream().map(AdminRoutes::summary).toList());
            body.put("next_cursor", page.nextCursor().orElse(null));
            ctx.json(body);
        });
        routes.get(BASE + "/users/{user_id}", Access.ADMIN, (ctx, admin) -> {
            UserId user = userId(ctx);
            UserDirectory.Profile profile = users.profile(user).orElseThrow(AdminRoutes::noSuchUser);
            Map<String, Object> body = summary(profile.user());
            body.put("disabled", profile.disabled());
            body.put("deletion", profile.deletion().orElse(null));
            body.put("collections", records.names());
            body.put("counts", counts(user));
            ctx.json(body);
        });
        routes.get(BASE + "/users/{user_id}/collections/{collection}/items", Access.ADMIN, (ctx, admin) ->
                ctx.json(itemPage(records.newestOf(userId(ctx), ctx.pathParam("collection"), cursor(ctx), limit(ctx)))));
        routes.get(BASE + "/users/{user_id}/files", Access.ADMIN, (ctx, admin) -> {
            var page = files.list(userId(ctx), cursor(ctx), limit(ctx));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("files", page.files());
            body.put("next_cursor", page.nextToken().orElse(null));
            ctx.json(body);
        });
        routes.get(BASE + "/users/{user_id}/files/<path>", Access.ADMIN, (ctx, admin) -> {
            UserId user = userId(ctx);
            LOG.info("admin {} downloaded a file of user {} id={}", admin.id(), user.value(), ctx.requestId());
            files.download(user, ctx.rawPathParam("path"), ctx);
        });
        routes.post(BASE + "/users/{user_id}/disable", Access.ADMIN, (ctx, admin) -> {
            UserId user = userId(ctx);
            users.disable(user, admin.id());
            LOG.info("admin {} disabled user {} id={}", admin.id(), user.value(), ctx.requestId());
            ctx.json(Map.of("user_id", user.value(), "disabled", true));
        });
        routes.post(BASE + "/users/{user_id}/enable", Access.ADMIN, (ctx, admin) -> {
            UserId user = userId(ctx);
            users.enable(user);
            LOG.info("admin {} enabled user {} id={}", admin.id(), user.value(), ctx.requestId());
            ctx.json(Map.of("user_id", user.value(), "disabled", false));
        });
        routes.delete(BASE + "/users/{user_id}", Access.ADMIN, (ctx, admin) -> {
            UserId user = userId(ctx);
            users.profile(user).orElseThrow(AdminRoutes::noSuchUser);
            Map<String, Object> counts = counts(user);
            users.delete(user);
            LOG.info("admin {} deleted user {} with {} id={}", admin.id(), user.value(), counts, ctx.requestId());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user_id", user.value());
            body.put("deleted", counts);
            ctx.json(body);
        });
    }

    /** What deleting the user removes: items per collection, files and their bytes. */
    private Map<String, Object> counts(UserId user) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("items", records.countsFor(user));
        FilesForOperators.Totals totals = files.totals(user);
        counts.put("files", totals.files());
        counts.put("file_bytes", totals.bytes());
        return counts;
    }

    private static Map<String, Object> sessionBody(Admin admin, String csrfToken, String expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("admin", Map.of("id", admin.id(), "email", admin.email()));
        body.put("csrf_token", csrfToken);
        if (expiresAt != null) {
            body.put("expires_at", expiresAt);
        }
        return body;
    }

    private static Map<String, Object> summary(UserDirectory.UserSummary user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", user.userId().value());
        body.put("email", user.email());
        body.put("full_name", user.fullName());
        body.put("created_at", user.createdAt());
        return body;
    }

    private static Map<String, Object> itemPage(RecordsForOperators.ItemPage page) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items());
        body.put("next_cursor", page.nextCursor().orElse(null));
        return body;
    }

    private static UserId userId(Exchange ctx) {
        String raw = ctx.pathParam("user_id");
        return UserId.parse(raw).orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED,
                "'user_id' " + UserId.problemWith(raw).orElse("is not valid")));
    }

    private static Optional<String> cursor(Exchange ctx) {
        return Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isEmpty());
    }

    private static int limit(Exchange ctx) {
        return limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    }

    private static int limit(Exchange ctx, int defaultLimit, int max) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isEmpty()) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new CofferException(ErrorCode.VALIDATION_FAILED, "'limit' must be a whole number from 1 to " + max);
    }

    private static CofferException noSuchUser() {
        return new CofferException(ErrorCode.NOT_FOUND, "no user with this id");
    }
}
