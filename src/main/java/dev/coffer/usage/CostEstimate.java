package dev.coffer.usage;

import dev.coffer.config.PricingConfig;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a month of usage costs at the configured prices, line by line, in US dollars:
 * DynamoDB on-demand read and write request units, DynamoDB and S3 Standard storage (GB-months),
 * S3 requests per 1000 by class, and data transfer out per GB. GB is 2^30 bytes, as AWS bills
 * storage and transfer. A DynamoDB item is stored with 100 bytes of overhead (AWS's rule for
 * billing storage).
 *
 * <p>Storage is priced at today's size for the part of the month that has passed (so far) or for
 * the whole month (projected); requests and transfer as counted (so far) or extended at the
 * month's rate so far to its end (projected).
 */
public record CostEstimate(Map<String, BigDecimal> lines) {
    public static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);
    public static final long ITEM_OVERHEAD_BYTES = 100;
    private static final MathContext PRECISION = MathContext.DECIMAL64;

    public CostEstimate {
        lines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lines));
    }

    public BigDecimal total() {
        return lines.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /**
     * @param monthFraction how much of the month the storage was held (0..1)
     * @param scale what the counted requests and transfer are multiplied by (1 so far; month length over
     *              time passed, projected)
     */
    public static CostEstimate of(PricingConfig prices, MonthUsage consumed, long filesBytes, long items, long itemBytes,
                                  double monthFraction, double scale) {
        BigDecimal fraction = BigDecimal.valueOf(monthFraction);
        BigDecimal times = BigDecimal.valueOf(scale);
        var lines = new LinkedHashMap<String, BigDecimal>();
        BigDecimal million = BigDecimal.valueOf(1_000_000);
        BigDecimal thousand = BigDecimal.valueOf(1_000);
        lines.put("dynamodb_reads", BigDecimal.valueOf(consumed.readUnits()).multiply(times)
                .multiply(prices.dynamoDbReadPerMillion()).divide(million, PRECISION));
        lines.put("dynamodb_writes", BigDecimal.valueOf(consumed.writeUnits()).multiply(times)
                .multiply(prices.dynamoDbWritePerMillion()).divide(million, PRECISION));
        lines.put("dynamodb_storage", BigDecimal.valueOf(itemBytes + items * ITEM_OVERHEAD_BYTES).divide(GIB, PRECISION)
                .multiply(prices.dynamoDbStorageGbMonth()).multiply(fraction));
        lines.put("s3_storage", BigDecimal.valueOf(filesBytes).divide(GIB, PRECISION).multiply(prices.s3StorageGbMonth())
                .multiply(fraction));
        lines.put("s3_put_requests", BigDecimal.valueOf(consumed.s3PutClass()).multiply(times)
                .multiply(prices.s3ClassAPerThousand()).divide(thousand, PRECISION));
        lines.put("s3_get_requests", BigDecimal.valueOf(consumed.s3GetClass()).multiply(times)
                .multiply(prices.s3ClassBPerThousand()).divide(thousand, PRECISION));
        lines.put("transfer_out", BigDecimal.valueOf(consumed.bytesOut()).multiply(times).divide(GIB, PRECISION)
                .multiply(prices.transferOutPerGb()));
        lines.replaceAll((name, value) -> value.round(PRECISION));
        return new CostEstimate(lines);
    }

    /** The lines and the total as JSON numbers (dollars, 12 decimal places: one user's month is often a fraction of a cent). */
    public Map<String, Object> json() {
        var body = new LinkedHashMap<String, Object>();
        lines.forEach((name, value) -> body.put(name, value.setScale(12, RoundingMode.HALF_EVEN)));
        body.put("total", total().setScale(12, RoundingMode.HALF_EVEN));
        return body;
    }
}
