package dev.coffer.usage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage numbers as Prometheus series, counted from the same events the {@link Tally} gets and
 * for the whole instance only: no user id label (a label per user would grow without bound, and
 * would publish who uses the service). Cost gauges read the deployment's month item, which every
 * instance's {@link MonthlyCounters} flushes, at most once per {@link #COST_REFRESH} and keep it:
 * a scrape costs no DynamoDB call of its own. Counting works whether or not a registry is bound
 * ({@link #bindTo}, done by the composition root when metrics are on). Thread-safe.
 */
public final class UsageSeries implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(UsageSeries.class);
    /** How old the cost gauges' reading of the deployment's month item may be. */
    static final Duration COST_REFRESH = Duration.ofMinutes(1);

    /** API requests by service: [read, write], found without building a name per request. */
    private final Map<String, LongAdder[]> requests = new LinkedHashMap<>();
    private final EnumMap<QuotaKey, LongAdder> refusals = new EnumMap<>(QuotaKey.class);
    private final EnumMap<Tally.S3Class, LongAdder> s3 = new EnumMap<>(Tally.S3Class.class);
    private final LongAdder bytesOut = new LongAdder();
    private volatile UsageReport report;
    private volatile Clock clock = Clock.systemUTC();
    private Instant costReadAt = Instant.MIN;
    private UsageReport.DeploymentCost cost;

    public UsageSeries() {
        for (String service : RequestMeter.SERVICE_NAMES) {
            requests.put(service, new LongAdder[] {new LongAdder(), new LongAdder()});
        }
        for (QuotaKey quota : QuotaKey.values()) {
            refusals.put(quota, new LongAdder());
        }
        for (Tally.S3Class requestClass : Tally.S3Class.values()) {
            s3.put(requestClass, new LongAdder());
        }
    }

    void request(String service, boolean write) {
        LongAdder[] adders = requests.get(service);
        if (adders != null) {
            adders[write ? 1 : 0].increment();
        }
    }

    void refused(QuotaKey quota) {
        refusals.get(quota).increment();
    }

    void s3(Tally.S3Class requestClass) {
        s3.get(requestClass).increment();
    }

    void bytesOut(long bytes) {
        bytesOut.add(bytes);
    }

    /** Where the cost gauges read the deployment's month (bound before {@link #bindTo} for the cost gauges to appear). */
    public void costFrom(UsageReport report, Clock clock) {
        this.clock = clock;
        this.report = report;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        requests.forEach((service, adders) -> {
            for (String kind : new String[] {"read", "write"}) {
                FunctionCounter.builder("coffer.usage.api.requests", adders[kind.equals("read") ? 0 : 1], LongAdder::doubleValue)
                        .description("API requests answered for users, by service and kind (every user together)")
                        .tag("service", service).tag("kind", kind).register(registry);
            }
        });
        refusals.forEach((quota, adder) -> FunctionCounter.builder("coffer.quota.exceeded", adder, LongAdder::doubleValue)
                .description("Requests refused with quota_exceeded, by quota").tag("quota", quota.label()).register(registry));
        s3.forEach((requestClass, adder) -> FunctionCounter.builder("coffer.usage.s3.requests", adder, LongAdder::doubleValue)
                .description("S3 requests by price class (put: PUT/COPY/POST/LIST; get: GET/HEAD/other; free: DELETE/abort)")
                .tag("class", className(requestClass)).register(registry));
        FunctionCounter.builder("coffer.usage.transfer.out", bytesOut, LongAdder::doubleValue).baseUnit("bytes")
                .description("Bytes of S3 objects sent out (GetObject answers)").register(registry);
        if (report != null) {
            Gauge.builder("coffer.usage.cost.usd", this, s -> s.cost().soFar()).tag("period", "so_far")
                    .description("The deployment's estimated cost this month (requests and transfer out, not storage), USD")
                    .register(registry);
            Gauge.builder("coffer.usage.cost.usd", this, s -> s.cost().projected()).tag("period", "projected")
                    .description("The deployment's estimated cost this month (requests and transfer out, not storage), USD")
                    .register(registry);
        }
    }

    private static String className(Tally.S3Class requestClass) {
        return switch (requestClass) {
            case PUT_COPY_POST_LIST -> "put";
            case GET_AND_OTHER -> "get";
            case FREE -> "free";
        };
    }

    /** The deployment's cost as last read, read again when older than {@link #COST_REFRESH}. */
    private synchronized UsageReport.DeploymentCost cost() {
        Instant now = clock.instant();
        if (cost == null || !costReadAt.plus(COST_REFRESH).isAfter(now)) {
            // Stamped before the read: a failing read is retried a minute later, not on every scrape.
            costReadAt = now;
            try {
                cost = report.deploymentCost();
            } catch (RuntimeException e) {
                LOG.warn("usage cost gauges not refreshed ({}); they keep the last reading", e.toString());
                if (cost == null) {
                    return new UsageReport.DeploymentCost(Double.NaN, Double.NaN);
                }
            }
        }
        return cost;
    }
}
