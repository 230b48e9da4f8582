package dev.coffer.usage;

import dev.coffer.http.Access;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Exchange;
import dev.coffer.http.Routes;
import dev.coffer.identity.Caller;

/** {@code GET /api/v1/auth/me/usage}: the caller's own usage, quotas and cost estimate. */
public final class UsageRoutes implements ApiModule {
    private final UsageReport report;

    public UsageRoutes(UsageReport report) {
        this.report = report;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/v1/auth/me/usage", Access.ANY_CALLER, this::mine);
    }

    private void mine(Exchange ctx, Caller caller) {
        ctx.json(report.json(report.user(caller.userId())));
    }
}
