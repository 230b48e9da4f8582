package dev.coffer.usage;

import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * This instance's counts since the last flush, per user and UTC day: DynamoDB request units
 * consumed, S3 requests by price class, bytes sent out of S3, and API requests by service and
 * kind. Counted in memory so that metering costs no DynamoDB write per request;
 * {@link MonthlyCounters} writes them out every few seconds.
 *
 * <p>AWS calls are attributed to the user whose request made them: the HTTP edge binds the
 * verified caller to the request's thread ({@link #attribute}) and unbinds it when the answer is
 * done ({@link #detach}); the SDK interceptor ({@link AwsCallMeter}) runs on the calling thread
 * and reads it. Calls made outside a user's request (logins, background sweeps, the flush itself)
 * count for the deployment only. Thread-safe.
 */
public final class Tally {
    /** The key of the deployment-wide totals, which include every user's and the unattributed counts. */
    static final String DEPLOYMENT = "*";

    private final Clock clock;
    private final ThreadLocal<UserId> current = new ThreadLocal<>();
    private final ConcurrentHashMap<Key, Counts> counts = new ConcurrentHashMap<>();
    private final UsageSeries series;

    public Tally(Clock clock) {
        this(clock, new UsageSeries());
    }

    /** Counting also into {@code series}, the instance-wide metrics (no user in them). */
    public Tally(Clock clock, UsageSeries series) {
        this.clock = clock;
        this.series = series;
    }

    /** Who the AWS calls on this thread are for, until {@link #detach}. */
    public void attribute(UserId user) {
        current.set(user);
    }

    public void detach() {
        current.remove();
    }

    Optional<UserId> attributed() {
        return Optional.ofNullable(current.get());
    }

    record Key(String user, LocalDate day) {
    }

    /** The S3 request classes S3 prices differently; DELETE and abort requests are free. */
    enum S3Class { PUT_COPY_POST_LIST, GET_AND_OTHER, FREE }

    /** Mutable counts of one user and day. */
    static final class Counts {
        final DoubleAdder readUnits = new DoubleAdder();
        final DoubleAdder writeUnits = new DoubleAdder();
        final LongAdder s3PutClass = new LongAdder();
        final LongAdder s3GetClass = new LongAdder();
        final LongAdder bytesOut = new LongAdder();
        final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    }

    void dynamoDb(double readUnits, double writeUnits) {
        forEachTarget(c -> {
            c.readUnits.add(readUnits);
            c.writeUnits.add(writeUnits);
        });
    }

    void s3(S3Class requestClass) {
        series.s3(requestClass);
        forEachTarget(c -> {
            switch (requestClass) {
                case PUT_COPY_POST_LIST -> c.s3PutClass.increment();
                case GET_AND_OTHER -> c.s3GetClass.increment();
                case FREE -> { }
            }
        });
    }

    void bytesOut(long bytes) {
        series.bytesOut(bytes);
        forEachTarget(c -> c.bytesOut.add(bytes));
    }

    /** A request refused for {@code quota} (metrics only: the refusal itself is the answer). */
    void refused(QuotaKey quota) {
        series.refused(quota);
    }

    /** One answered API request of {@code user} to {@code service} ("records", "files", ...), a read or a write. */
    public void request(UserId user, String service, boolean write) {
        series.request(service, write);
        String name = requestName(service, write);
        LocalDate day = today();
        counts(user.value(), day).requests.computeIfAbsent(name, n -> new LongAdder()).increment();
        counts(DEPLOYMENT, day).requests.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    /** "records:read" and the like, made once per known service rather than on every request. */
    private static String requestName(String service, boolean write) {
        String[] names = REQUEST_NAMES.get(service);
        return names != null ? names[write ? 1 : 0] : service + ":" + (write ? "write" : "read");
    }

    private static final Map<String, String[]> REQUEST_NAMES = RequestMeter.SERVICE_NAMES.stream().collect(
            java.util.stream.Collectors.toUnmodifiableMap(s -> s, s -> new String[] {s + ":read", s + ":write"}));

    private void forEachTarget(java.util.function.Consumer<Counts> change) {
        UserId user = current.get();
        LocalDate day = today();
        if (user != null) {
            change.accept(counts(user.value(), day));
        }
        change.accept(counts(DEPLOYMENT, day));
    }

    private Counts counts(String target, LocalDate day) {
        Key key = new Key(target, day);
        Counts found = counts.get(key);
        return found != null ? found : counts.computeIfAbsent(key, k -> new Counts());
    }

    /** The UTC day of one epoch day number, kept while it is today (counting asks on every request and AWS call). */
    private record Day(long epochDay, LocalDate date) {
    }

    private volatile Day day = new Day(Long.MIN_VALUE, LocalDate.MIN);

    /** Today in UTC by the clock, without a zoned clock and a date made on every call. */
    private LocalDate today() {
        long epochDay = Math.floorDiv(clock.millis(), 86_400_000L);
        Day known = day;
        if (known.epochDay() != epochDay) {
            known = new Day(epochDay, LocalDate.ofEpochDay(epochDay));
            day = known;
        }
        return known.date();
    }

    /** What one user (or the deployment) did on one day, as numbers. */
    record Snapshot(double readUnits, double writeUnits, long s3PutClass, long s3GetClass, long bytesOut,
                    Map<String, Long> requests) {
        boolean empty() {
            return readUnits == 0 && writeUnits == 0 && s3PutClass == 0 && s3GetClass == 0 && bytesOut == 0 && requests.isEmpty();
        }
    }

    /**
     * Everything counted since the last drain, taking it out of the counters ({@code sumThenReset}
     * per adder, so a count racing the drain lands in this snapshot or the next, never in none).
     * Counters of past days are dropped once drained.
     */
    Map<Key, Snapshot> drain() {
        LocalDate today = today();
        var result = new HashMap<Key, Snapshot>();
        for (var entry : counts.entrySet()) {
            Counts c = entry.getValue();
            var requests = new java.util.TreeMap<String, Long>();
            c.requests.forEach((name, adder) -> {
                long n = adder.sumThenReset();
                if (n != 0) {
                    requests.put(name, n);
                }
            });
            var snapshot = new Snapshot(c.readUnits.sumThenReset(), c.writeUnits.sumThenReset(), c.s3PutClass.sumThenReset(),
                    c.s3GetClass.sumThenReset(), c.bytesOut.sumThenReset(), requests);
            if (!snapshot.empty()) {
                result.put(entry.getKey(), snapshot);
            }
            if (entry.getKey().day().isBefore(today)) {
                counts.remove(entry.getKey());
            }
        }
        return result;
    }

    /** Drops every unflushed count of {@code user} (the account is being deleted). */
    void forget(String user) {
        counts.keySet().removeIf(key -> key.user().equals(user));
    }

    /** Puts a snapshot that could not be written back into the counters, for the next flush. */
    void restore(Key key, Snapshot snapshot) {
        Counts c = counts.computeIfAbsent(key, k -> new Counts());
        c.readUnits.add(snapshot.readUnits());
        c.writeUnits.add(snapshot.writeUnits());
        c.s3PutClass.add(snapshot.s3PutClass());
        c.s3GetClass.add(snapshot.s3GetClass());
        c.bytesOut.add(snapshot.bytesOut());
        snapshot.requests().forEach((name, n) -> c.requests.computeIfAbsent(name, x -> new LongAdder()).add(n));
    }
}
