package dev.coffer.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Authenticated;
import dev.coffer.http.Exchange;
import dev.coffer.http.JsonBodies;
import dev.coffer.http.Routes;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/v1/auth/...}: the paths apps already call. */
final class AuthRoutes implements ApiModule {
    private static final String BASE = "/api/v1/auth";
    private final AuthService auth;
    private final Authenticated authenticated;
    private final JsonBodies bodies;

    AuthRoutes(AuthService auth, Authenticated authenticated, JsonBodies bodies) {
        this.auth = auth;
        this.authenticated = authenticated;
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
        routes.post(BASE + "/register", ctx -> {
            Register body = bodies.read(ctx, Register.class);
            ctx.status(201).json(profile(auth.register(body.email(), body.password(), body.fullName())));
        });
        routes.post(BASE + "/login", ctx -> {
            Login body = bodies.read(ctx, Login.class);
            ctx.json(tokens(auth.login(body.email(), body.password(), ctx.remoteAddress())));
        });
        routes.post(BASE + "/refresh", ctx -> ctx.json(tokens(auth.refresh(bodies.read(ctx, Refresh.class).refreshToken()))));
        routes.post(BASE + "/logout", ctx -> {
            auth.logout(bodies.read(ctx, Refresh.class).refreshToken());
            ctx.status(204);
        });
        routes.get(BASE + "/me", ctx -> ctx.json(profile(auth.me(accountHolder(ctx)))));
        routes.patch(BASE + "/me", ctx -> {
            String user = accountHolder(ctx);
            ctx.json(profile(auth.rename(user, bodies.read(ctx, Rename.class).fullName())));
        });
        routes.delete(BASE + "/me", ctx -> {
            auth.deleteAccount(accountHolder(ctx));
            ctx.status(204);
        });
        routes.post(BASE + "/change-password", ctx -> {
            String user = accountHolder(ctx);
            ChangePassword body = bodies.read(ctx, ChangePassword.class);
            ctx.json(tokens(auth.changePassword(user, body.oldPassword(), body.newPassword())));
        });
    }

    /** Account endpoints are for Coffer's own users, signed in with their access token. */
    private String accountHolder(Exchange ctx) {
        Caller caller = authenticated.caller(ctx);
        if (caller.kind() != Caller.Kind.ACCESS_TOKEN) {
            throw new CofferException(ErrorCode.FORBIDDEN, "account endpoints need the user's own access token");
        }
        return caller.userId();
    }

    private static Map<String, Object> profile(Account account) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", account.userId());
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
