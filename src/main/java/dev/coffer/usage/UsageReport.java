package dev.coffer.usage;

import dev.coffer.config.PricingConfig;
import dev.coffer.identity.UserId;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Usage and cost as the user, the operator's CLI and the admin API show them: what is stored,
 * the quotas in force, what this month consumed (as flushed by every instance) and what it costs
 * so far and projected to the month's end, per user and for the whole deployment.
 */
public final class UsageReport {
    private final UsageStore store;
    private final MonthlyCounters months;
    private final PricingConfig prices;
    private final String region;
    private final Clock clock;

    public UsageReport(UsageStore store, MonthlyCounters months, PricingConfig prices, String region, Clock clock) {
        this.store = store;
        this.months = months;
        this.prices = prices;
        this.region = region;
        this.clock = clock;
    }

    /** How far into the current month (UTC) now is, 0..1, and the month. */
    record MonthProgress(YearMonth month, double fraction) {
    }

    MonthProgress progress() {
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        double fraction = (double) Duration.between(start, now).toMillis() / Duration.between(start, end).toMillis();
        return new MonthProgress(month, Math.max(fraction, 1e-6));
    }

    /** One user's usage, cost so far and projected. */
    public record UserReport(Usage usage, MonthUsage month, CostEstimate soFar, CostEstimate projected) {
    }

    public UserReport user(UserId user) {
        return report(store.read(user), months.read(user, progress().month()));
    }

    private UserReport report(Usage usage, MonthUsage month) {
        MonthProgress progress = progress();
        Usage.Stored items = usage.items();
        return new UserReport(usage, month,
                CostEstimate.of(prices, month, usage.filesBytes(), items.count(), items.bytes(), progress.fraction(), 1),
                CostEstimate.of(prices, month, usage.filesBytes(), items.count(), items.bytes(), 1, 1 / progress.fraction()));
    }

    /** The whole deployment: every user's storage summed, the deployment's month item, and the users ranked. */
    public record DeploymentReport(long users, long filesCount, long filesBytes, long items, long itemBytes, MonthUsage month,
                                   CostEstimate soFar, CostEstimate projected, List<UserReport> byCost, List<UserReport> byStorage) {
    }

    public DeploymentReport deployment(int top) {
        MonthProgress progress = progress();
        Map<UserId, Usage> stored = new LinkedHashMap<>();
        store.all().forEach(u -> stored.put(u.user(), u));
        Map<UserId, MonthUsage> consumed = months.everyUser(progress.month());
        var users = new LinkedHashMap<UserId, UserReport>();
        stored.forEach((id, usage) -> users.put(id, report(usage, consumed.getOrDefault(id, MonthUsage.none(progress.month())))));
        consumed.forEach((id, month) -> users.computeIfAbsent(id, k -> report(Usage.none(id), month)));
        long filesCount = 0;
        long filesBytes = 0;
        long items = 0;
        long itemBytes = 0;
        for (Usage u : stored.values()) {
            filesCount += u.filesCount();
            filesBytes += u.filesBytes();
            items += u.items().count();
            itemBytes += u.items().bytes();
        }
        MonthUsage total = months.deployment(progress.month());
        var byCost = new ArrayList<>(users.values());
        byCost.sort(Comparator.comparing((UserReport r) -> r.soFar().total()).reversed()
                .thenComparing(r -> r.usage().user().value()));
        var byStorage = new ArrayList<>(users.values());
        byStorage.sort(Comparator.comparingLong((UserReport r) -> r.usage().filesBytes() + r.usage().items().bytes()).reversed()
                .thenComparing(r -> r.usage().user().value()));
        return new DeploymentReport(users.size(), filesCount, filesBytes, items, itemBytes, total,
                CostEstimate.of(prices, total, filesBytes, items, itemBytes, progress.fraction(), 1),
                CostEstimate.of(prices, total, filesBytes, items, itemBytes, 1, 1 / progress.fraction()),
                byCost.subList(0, Math.min(top, byCost.size())), byStorage.subList(0, Math.min(top, byStorage.size())));
    }

    /** The deployment's cost this month from its month item alone (requests and transfer out; storage needs a Scan), USD. */
    public record DeploymentCost(double soFar, double projected) {
    }

    /** One GetItem of the deployment's month item: what the metrics' cost gauges show, read once a minute. */
    public DeploymentCost deploymentCost() {
        MonthProgress progress = progress();
        MonthUsage total = months.deployment(progress.month());
        return new DeploymentCost(CostEstimate.of(prices, total, 0, 0, 0, progress.fraction(), 1).total().doubleValue(),
                CostEstimate.of(prices, total, 0, 0, 0, 1, 1 / progress.fraction()).total().doubleValue());
    }

    /** The price table as shown with every estimate: prices, the region they are for, and where they come from. */
    public Map<String, Object> prices() {
        var body = new LinkedHashMap<String, Object>();
        body.put("currency", "USD");
        body.put("region", prices.region());
        body.put("matches_region", prices.matches(region));
        body.put("dynamodb_read_per_million", prices.dynamoDbReadPerMillion());
        body.put("dynamodb_write_per_million", prices.dynamoDbWritePerMillion());
        body.put("dynamodb_storage_gb_month", prices.dynamoDbStorageGbMonth());
        body.put("s3_storage_gb_month", prices.s3StorageGbMonth());
        body.put("s3_put_per_thousand", prices.s3ClassAPerThousand());
        body.put("s3_get_per_thousand", prices.s3ClassBPerThousand());
        body.put("transfer_out_per_gb", prices.transferOutPerGb());
        return body;
    }

    /** One user's report as the API answers it. */
    public Map<String, Object> json(UserReport report) {
        Usage usage = report.usage();
        var body = new LinkedHashMap<String, Object>();
        body.put("user_id", usage.user().value());
        var files = new LinkedHashMap<String, Object>();
        files.put("count", usage.filesCount());
        files.put("bytes", usage.filesBytes());
        var collections = new LinkedHashMap<String, Object>();
        usage.collections().forEach((name, stored) -> collections.put(name, Map.of("count", stored.count(), "bytes", stored.bytes())));
        body.put("files", files);
        body.put("collections", collections);
        var quotas = new LinkedHashMap<String, Object>();
        for (QuotaKey quota : QuotaKey.values()) {
            Optional<Long> limit = store.limit(usage, quota);
            var entry = new LinkedHashMap<String, Object>();
            entry.put("limit", limit.orElse(null));
            entry.put("overridden", usage.overrides().containsKey(quota));
            quotas.put(quota.label(), entry);
        }
        body.put("quotas", quotas);
        body.putAll(monthJson(report.month(), report.soFar(), report.projected()));
        return body;
    }

    public Map<String, Object> json(DeploymentReport report) {
        var body = new LinkedHashMap<String, Object>();
        body.put("users", report.users());
        body.put("files", Map.of("count", report.filesCount(), "bytes", report.filesBytes()));
        body.put("items", Map.of("count", report.items(), "bytes", report.itemBytes()));
        body.putAll(monthJson(report.month(), report.soFar(), report.projected()));
        body.put("top_by_cost", report.byCost().stream().map(this::summary).toList());
        body.put("top_by_storage", report.byStorage().stream().map(this::summary).toList());
        return body;
    }

    private Map<String, Object> summary(UserReport report) {
        var body = new LinkedHashMap<String, Object>();
        body.put("user_id", report.usage().user().value());
        body.put("files_bytes", report.usage().filesBytes());
        body.put("items", report.usage().items().count());
        body.put("item_bytes", report.usage().items().bytes());
        body.put("cost_so_far", report.soFar().total().setScale(12, java.math.RoundingMode.HALF_EVEN));
        body.put("cost_projected", report.projected().total().setScale(12, java.math.RoundingMode.HALF_EVEN));
        return body;
    }

    private Map<String, Object> monthJson(MonthUsage month, CostEstimate soFar, CostEstimate projected) {
        var body = new LinkedHashMap<String, Object>();
        body.put("month", month.month().toString());
        var consumed = new LinkedHashMap<String, Object>();
        consumed.put("dynamodb_read_units", BigDecimal.valueOf(month.readUnits()));
        consumed.put("dynamodb_write_units", BigDecimal.valueOf(month.writeUnits()));
        consumed.put("s3_put_requests", month.s3PutClass());
        consumed.put("s3_get_requests", month.s3GetClass());
        consumed.put("bytes_out", month.bytesOut());
        body.put("consumed", consumed);
        body.put("requests", month.requests());
        var byDay = new LinkedHashMap<String, Object>();
        month.requestsByDay().forEach((day, counts) -> byDay.put(day.toString(), counts));
        body.put("requests_by_day", byDay);
        var cost = new LinkedHashMap<String, Object>();
        cost.put("so_far", soFar.json());
        cost.put("projected", projected.json());
        cost.put("prices", prices());
        body.put("cost", cost);
        return body;
    }
}
