package dev.coffer.usage;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one user (or the whole deployment) consumed in one calendar month (UTC), as counted by
 * every instance: DynamoDB request units, S3 requests by price class, bytes sent out of S3, and
 * API requests per day by service and kind ({@code records:read}, {@code files:write}, ...).
 */
public record MonthUsage(YearMonth month, double readUnits, double writeUnits, long s3PutClass, long s3GetClass, long bytesOut,
                         Map<LocalDate, Map<String, Long>> requestsByDay) {
    public MonthUsage {
        var copy = new TreeMap<LocalDate, Map<String, Long>>();
        requestsByDay.forEach((day, counts) -> copy.put(day, Map.copyOf(new TreeMap<>(counts))));
        requestsByDay = java.util.Collections.unmodifiableMap(copy);
    }

    public static MonthUsage none(YearMonth month) {
        return new MonthUsage(month, 0, 0, 0, 0, 0, Map.of());
    }

    /** API requests in the month, by service and kind. */
    public Map<String, Long> requests() {
        var total = new TreeMap<String, Long>();
        requestsByDay.values().forEach(day -> day.forEach((name, n) -> total.merge(name, n, Long::sum)));
        return total;
    }
}
