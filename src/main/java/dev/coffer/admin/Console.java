package dev.coffer.admin;

import dev.coffer.auth.AdminAccounts;
import dev.coffer.auth.UserDirectory;
import dev.coffer.backends.Backends;
import dev.coffer.files.FilesForOperators;
import dev.coffer.health.HealthService;
import dev.coffer.http.ApiModule;
import dev.coffer.http.JsonBodies;
import dev.coffer.http.RequestObserver;
import dev.coffer.identity.AdminAuthenticator;
import dev.coffer.records.RecordsForOperators;
import dev.coffer.schema.TableSpec;
import java.time.Clock;
import java.util.List;

/**
 * The operator console, assembled: the admin API ({@code /api/v1/admin/...}), the static pages
 * ({@code /console/}), the activity log the edge feeds, and the admin sessions the edge checks.
 */
public final class Console {
    private final AdminAccounts admins;
    private final ActivityLog activity;
    private final List<ApiModule> modules;

    private Console(AdminAccounts admins, ActivityLog activity, List<ApiModule> modules) {
        this.admins = admins;
        this.activity = activity;
        this.modules = modules;
    }

    public static Console create(AdminAccounts admins, UserDirectory users, RecordsForOperators records, FilesForOperators files,
                                 HealthService health, Backends backends, List<TableSpec> tables, JsonBodies bodies, Clock clock) {
        var activity = new ActivityLog(ActivityLog.DEFAULT_CAPACITY, clock);
        var overview = new Overview(health, backends, tables, clock);
        return new Console(admins, activity, List.of(new AdminRoutes(admins, users, records, files, overview, activity, bodies),
                new ConsoleRoutes()));
    }

    public List<ApiModule> modules() {
        return modules;
    }

    /** Feeds the activity page; pass to the HTTP server's observers. */
    public RequestObserver activity() {
        return activity;
    }

    /** What the edge authenticates admin routes with. */
    public AdminAuthenticator authenticator() {
        return admins;
    }
}
