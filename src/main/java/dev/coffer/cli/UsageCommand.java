package dev.coffer.cli;

import dev.coffer.app.CofferServer;
import dev.coffer.auth.Auth;
import dev.coffer.auth.SigningKeys;
import dev.coffer.backends.Backends;
import dev.coffer.config.CofferConfig;
import dev.coffer.credentials.Credentials;
import dev.coffer.error.CofferException;
import dev.coffer.files.FilesFeature;
import dev.coffer.identity.UserId;
import dev.coffer.provision.Provisioner;
import dev.coffer.records.Records;
import dev.coffer.support.Json;
import dev.coffer.support.logging.LogSetup;
import dev.coffer.usage.CostEstimate;
import dev.coffer.usage.MonthlyCounters;
import dev.coffer.usage.QuotaKey;
import dev.coffer.usage.Recount;
import dev.coffer.usage.Tally;
import dev.coffer.usage.UsageReport;
import dev.coffer.usage.UsageStore;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "usage",
        description = {"What each user stores and costs: files, items per collection, this month's consumed capacity and "
            + "requests, and the cost estimate (so far and projected to the month's end) at the [pricing] prices.",
            "Without USER: the whole deployment and the top users by cost and by storage. --recount rebuilds the counters from "
                + "the tables and the bucket, prints where they had drifted and writes the measured numbers. --set-quota "
                + "overrides a quota for one user (a number, 'none' for no limit, 'default' for the deployment's)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coffer usage                                  the deployment and its top users",
            "  coffer usage 0b6c...e1                        one user",
            "  coffer usage --recount                        recount every user, fix drift",
            "  coffer usage --recount 0b6c...e1              recount one user",
            "  coffer usage --set-quota 0b6c...e1 files_bytes=1073741824 files_count=default",
            "  coffer usage --json                           the same as GET /api/v1/admin/usage"})
final class UsageCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "A user id; without it, every user.")
    String user;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "QUOTA=VALUE", description = "With --set-quota: the quotas to set.")
    List<String> quotas = new ArrayList<>();

    @Option(names = "--recount", description = "Rebuild the counters from DynamoDB and S3, print the drift, write the measured numbers.")
    boolean recount;

    @Option(names = "--set-quota", description = "Override quotas of USER: files_bytes, files_count, items_per_collection, "
            + "requests_per_minute = a number, none (no limit) or default.")
    boolean setQuota;

    @Option(names = "--top", defaultValue = "10", description = "How many users the deployment report lists. Default 10.")
    int top;

    @Option(names = "--json", description = "Print JSON (as the admin API answers) instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(false, "warn");
        PrintStream out = System.out;
        if (setQuota && (user == null || quotas.isEmpty())) {
            System.err.println("coffer: usage --set-quota needs USER and at least one QUOTA=VALUE, e.g. files_count=100");
            return Main.EXIT_CONFIG;
        }
        if (!setQuota && !quotas.isEmpty()) {
            System.err.println("coffer: usage takes one USER; QUOTA=VALUE pairs go with --set-quota");
            return Main.EXIT_CONFIG;
        }
        if (top < 1 || top > 1000) {
            System.err.println("coffer: usage --top must be 1..1000");
            return Main.EXIT_CONFIG;
        }
        Optional<UserId> userId = Optional.empty();
        if (user != null) {
            userId = UserId.parse(user);
            if (userId.isEmpty()) {
                System.err.println("coffer: usage: USER " + UserId.problemWith(user).orElse("is not a user id"));
                return Main.EXIT_CONFIG;
            }
        }
        var loaded = configOptions.loadOrReport(Map.of());
        if (loaded.isEmpty()) {
            return Main.EXIT_CONFIG;
        }
        CofferConfig config = loaded.get();
        Clock clock = Clock.systemUTC();
        try (Backends backends = Backends.open(config, clock, Credentials.Verification.AS_CONFIGURED)) {
            CofferConfig effective = backends.config();
            if (effective.provisionOnStart()) {
                Provisioner.of(backends).applyOrRefuse(CofferServer.tables(effective), effective.storage());
            }
            var store = new UsageStore(backends.dynamoDb(), Auth.authTable(effective), effective.usage().quotas());
            if (setQuota) {
                return setQuotas(store, userId.orElseThrow(), out);
            }
            if (recount) {
                var records = Records.create(effective, backends.dynamoDb(), SigningKeys.resolve(effective), clock);
                var files = FilesFeature.create(effective, backends.clients(), SigningKeys.resolve(effective), Optional::empty, clock);
                Recount counts = CofferServer.recount(store, records, files);
                List<Recount.Drift> drifts = userId.map(u -> List.of(counts.recount(u, true))).orElseGet(() -> counts.recountAll(true));
                long drifted = drifts.stream().filter(Recount.Drift::drifted).count();
                for (Recount.Drift drift : drifts) {
                    out.println(drift.user().value() + ": " + (drift.drifted() ? "drifted " + drift.differences() + ", fixed"
                            : "exact"));
                }
                out.println(drifts.size() + " user(s) recounted, " + drifted + " had drifted");
                return Main.EXIT_OK;
            }
            // An empty tally: this command reads what the servers flushed and counts nothing itself.
            try (var months = MonthlyCounters.start(backends.dynamoDb(), Auth.authTable(effective), new Tally(clock), clock,
                    effective.usage().flushInterval())) {
                var report = new UsageReport(store, months, effective.usage().pricing(), effective.aws().region(), clock);
                if (userId.isPresent()) {
                    UsageReport.UserReport one = report.user(userId.get());
                    out.println(json ? Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json(one)) : text(one));
                } else {
                    UsageReport.DeploymentReport all = report.deployment(top);
                    out.println(json ? Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json(all)) : text(all));
                }
            }
            return Main.EXIT_OK;
        } catch (CofferException e) {
            System.err.println("coffer: usage failed: " + e.oneLine());
            return ServeCommand.exitCodeFor(e);
        }
    }

    private Integer setQuotas(UsageStore store, UserId id, PrintStream out) {
        var changes = new java.util.LinkedHashMap<QuotaKey, Optional<Long>>();
        for (String pair : quotas) {
            int eq = pair.indexOf('=');
            Optional<QuotaKey> key = eq < 0 ? Optional.empty() : QuotaKey.parse(pair.substring(0, eq));
            if (key.isEmpty()) {
                System.err.println("coffer: usage --set-quota: '" + pair + "' is not QUOTA=VALUE with QUOTA one of files_bytes, "
                        + "files_count, items_per_collection, requests_per_minute");
                return Main.EXIT_CONFIG;
            }
            String value = pair.substring(eq + 1);
            if (value.equals("default")) {
                changes.put(key.get(), Optional.empty());
            } else if (value.equals("none")) {
                changes.put(key.get(), Optional.of(-1L));
            } else {
                try {
                    long limit = Long.parseLong(value);
                    if (limit < 0) {
                        throw new NumberFormatException();
                    }
                    changes.put(key.get(), Optional.of(limit));
                } catch (NumberFormatException e) {
                    System.err.println("coffer: usage --set-quota: " + key.get().label() + " takes a whole number of at least 0, "
                            + "none or default, not '" + value + "'");
                    return Main.EXIT_CONFIG;
                }
            }
        }
        changes.forEach((quota, value) -> store.setQuota(id, quota, value));
        var usage = store.read(id);
        for (QuotaKey quota : QuotaKey.values()) {
            out.println(quota.label() + ": " + store.limit(usage, quota).map(String::valueOf).orElse("none")
                    + (usage.overrides().containsKey(quota) ? " (this user)" : " (default)"));
        }
        return Main.EXIT_OK;
    }

    private static String text(UsageReport.UserReport report) {
        var usage = report.usage();
        var lines = new StringBuilder();
        lines.append("user ").append(usage.user().value()).append('\n');
        lines.append("  files: ").append(usage.filesCount()).append(" (").append(usage.filesBytes()).append(" bytes)\n");
        usage.collections().forEach((name, stored) -> lines.append("  ").append(name).append(": ").append(stored.count())
                .append(" items (").append(stored.bytes()).append(" bytes)\n"));
        lines.append(month(report.month(), report.soFar(), report.projected()));
        return lines.toString().stripTrailing();
    }

    private static String text(UsageReport.DeploymentReport report) {
        var lines = new StringBuilder();
        lines.append("deployment: ").append(report.users()).append(" user(s), ").append(report.filesCount()).append(" files (")
                .append(report.filesBytes()).append(" bytes), ").append(report.items()).append(" items (").append(report.itemBytes())
                .append(" bytes)\n");
        lines.append(month(report.month(), report.soFar(), report.projected()));
        lines.append("top by cost (so far, USD):\n");
        report.byCost().forEach(r -> lines.append("  ").append(r.usage().user().value()).append("  ")
                .append(dollars(r.soFar().total())).append('\n'));
        lines.append("top by storage (bytes of files + items):\n");
        report.byStorage().forEach(r -> lines.append("  ").append(r.usage().user().value()).append("  ")
                .append(r.usage().filesBytes() + r.usage().items().bytes()).append('\n'));
        return lines.toString().stripTrailing();
    }

    private static String month(dev.coffer.usage.MonthUsage month, CostEstimate soFar, CostEstimate projected) {
        return "  " + month.month() + ": " + month.readUnits() + " read units, " + month.writeUnits() + " write units, "
                + month.s3PutClass() + " S3 PUT/LIST, " + month.s3GetClass() + " S3 GET/HEAD, " + month.bytesOut() + " bytes out\n"
                + "  requests: " + month.requests() + "\n"
                + "  cost so far: " + dollars(soFar.total()) + " USD " + soFar.lines() + "\n"
                + "  projected to month end: " + dollars(projected.total()) + " USD\n";
    }

    private static String dollars(java.math.BigDecimal value) {
        return value.setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }
}
