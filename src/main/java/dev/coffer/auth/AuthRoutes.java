package dev.coffer.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coffer.http.Access;
import dev.coffer.http.ApiModule;
import dev.coffer.identity.Caller;
import dev.coffer.http.JsonBodies;
import dev.coffer.http.Routes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v1/auth/...}: the paths apps already call. Registration, login, refresh and logout
 * are open; the account endpoints admit only Coffer's own users with their own access token
 * (a service key or an external token names no Coffer account to change).
 */
final class AuthRoutes implements ApiModule {
    private static final String BASE = "/api/v1/auth";
    private static final Access.Callers ACCOUNT_HOLDER = Access.only(Caller.Kind.ACCOUNT);
    private final AuthService auth;
    private final JsonBodies bodies;

    AuthRoutes(AuthService auth, JsonBodies bodies) {
        this.auth = auth;
        this.bodies = bodies;
    }

    record Register(@JsonProperty("email") String email, @JsonProperty("password") String password,
                    @JsonProperty("full_name") String fullName) {
    }

    record Login(@JsonProperty("email") String email, @JsonProperty("password") String password) {
    }

    record Refresh(@JsonProperty("refresh_token") String refreshToken) {
    }

    record Rename(@JsonProperty("full_name") String fullName) {
    }

    record ChangePassword(@JsonProperty("old_password") String oldPassword, @JsonProperty("new_password") String newPassword) {
    }

    @Override
    public void register(Routes routes) {
        routes.post(BASE + "/register", Access.PUBLIC, ctx -> {
            Register body = bodies.read(ctx, Register.class);
            ctx.status(201).json(profile(auth.register(body.email(), body.password(), body.fullName())));
        });
        routes.post(BASE + "/login", Access.PUBLIC, ctx -> {
            Login body = bodies.read(ctx, Login.class);
            ctx.json(tokens(auth.login(body.email(), body.password(), ctx.remoteAddress())));
        });
        routes.post(BASE + "/refresh", Access.PUBLIC, ctx -> ctx.json(tokens(auth.refresh(bodies.read(ctx, Refresh.class).refreshToken()))));
        routes.post(BASE + "/logout", Access.PUBLIC, ctx -> {
            auth.logout(bodies.read(ctx, Refresh.class).refreshToken());
            ctx.status(204);
        });
        routes.get(BASE + "/me", ACCOUNT_HOLDER, (ctx, caller) -> ctx.json(profile(auth.me(caller.userId()))));
        routes.patch(BASE + "/me", ACCOUNT_HOLDER, (ctx, caller) ->
                ctx.json(profile(auth.rename(caller.userId(), bodies.read(ctx, Rename.class).fullName()))));
        routes.delete(BASE + "/me", ACCOUNT_HOLDER, (ctx, caller) -> {
            auth.deleteAccount(caller.userId());
            ctx.status(204);
        });
        routes.post(BASE + "/change-password", ACCOUNT_HOLDER, (ctx, caller) -> {
            ChangePassword body = bodies.read(ctx, ChangePassword.class);
            ctx.json(tokens(auth.changePassword(caller.userId(), body.oldPassword(), body.newPassword())));
        });
        routes.get(BASE + "/whoami", Access.ANY_CALLER, (ctx, caller) -> ctx.json(identity(caller)));
    }

    /**
     * Who the token names, for any kind of caller: the user id Coffer stores data under and, for
     * an external user, the issuer and subject it was derived from (apps keep using {@code sub}).
     */
    private static Map<String, Object> identity(Caller caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", caller.userId().value());
        body.put("kind", caller.kind().name().toLowerCase(java.util.Locale.ROOT));
        caller.external().ifPresent(external -> {
            body.put("issuer", external.issuer());
            body.put("subject", external.subject());
        });
        return body;
    }

    private static Map<String, Object> profile(Account account) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", account.userId().value());
        body.put("email", account.email());
        body.put("full_name", account.fullName());
        body.put("created_at", account.createdAt());
        return body;
    }

    private static Map<String, Object> tokens(AuthService.Tokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken());
        body.put("refresh_token", tokens.refreshToken());
        body.put("token_type", "bearer");
        body.put("expires_in", tokens.expiresIn());
        return body;
    }
}
