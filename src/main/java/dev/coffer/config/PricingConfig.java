package dev.coffer.config;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * The prices the cost estimate multiplies usage by, in US dollars. The defaults are AWS's public
 * list prices for {@link #DEFAULT_REGION} (us-east-1, also what us-east-2 and us-west-2 charge for
 * these items), read on 2026-12-01 from https://aws.amazon.com/dynamodb/pricing/on-demand/ (after
 * the 2024-11-01 on-demand price cut) and https://aws.amazon.com/s3/pricing/ (S3 Standard, first
 * 50 TB; requests; data transfer out to the internet after the first 100 GB). Free tiers are not
 * subtracted. Any price can be set under {@code [pricing]} for another region or a negotiated rate.
 *
 * @param region the region the defaults are for, or "configured" when every price was set
 */
public record PricingConfig(String region, BigDecimal dynamoDbReadPerMillion, BigDecimal dynamoDbWritePerMillion,
                            BigDecimal dynamoDbStorageGbMonth, BigDecimal s3StorageGbMonth, BigDecimal s3ClassAPerThousand,
                            BigDecimal s3ClassBPerThousand, BigDecimal transferOutPerGb) {
    public static final String DEFAULT_REGION = "us-east-1";
    /** Regions whose list prices for these items are us-east-1's. */
    static final java.util.Set<String> SAME_AS_DEFAULT = java.util.Set.of("us-east-1", "us-east-2", "us-west-2");
    public static final BigDecimal DYNAMODB_READ_PER_MILLION = new BigDecimal("0.125");
    public static final BigDecimal DYNAMODB_WRITE_PER_MILLION = new BigDecimal("0.625");
    public static final BigDecimal DYNAMODB_STORAGE_GB_MONTH = new BigDecimal("0.25");
    public static final BigDecimal S3_STORAGE_GB_MONTH = new BigDecimal("0.023");
    public static final BigDecimal S3_CLASS_A_PER_THOUSAND = new BigDecimal("0.005");
    public static final BigDecimal S3_CLASS_B_PER_THOUSAND = new BigDecimal("0.0004");
    public static final BigDecimal TRANSFER_OUT_PER_GB = new BigDecimal("0.09");

    public PricingConfig {
        for (BigDecimal price : new BigDecimal[] {dynamoDbReadPerMillion, dynamoDbWritePerMillion, dynamoDbStorageGbMonth,
                s3StorageGbMonth, s3ClassAPerThousand, s3ClassBPerThousand, transferOutPerGb}) {
            if (price.signum() < 0) {
                throw new IllegalArgumentException("prices must not be negative");
            }
        }
    }

    public static PricingConfig defaults() {
        return new PricingConfig(DEFAULT_REGION, DYNAMODB_READ_PER_MILLION, DYNAMODB_WRITE_PER_MILLION, DYNAMODB_STORAGE_GB_MONTH,
                S3_STORAGE_GB_MONTH, S3_CLASS_A_PER_THOUSAND, S3_CLASS_B_PER_THOUSAND, TRANSFER_OUT_PER_GB);
    }

    /** Whether the prices are list prices of {@code awsRegion} (or were all set by the operator). */
    public boolean matches(String awsRegion) {
        return region.equals("configured") || region.equals(awsRegion) || (region.equals(DEFAULT_REGION) && SAME_AS_DEFAULT.contains(awsRegion));
    }

    static PricingConfig from(Settings s) {
        var keys = Map.of(ConfigKeys.PRICE_DYNAMODB_READ, DYNAMODB_READ_PER_MILLION, ConfigKeys.PRICE_DYNAMODB_WRITE,
                DYNAMODB_WRITE_PER_MILLION, ConfigKeys.PRICE_DYNAMODB_STORAGE, DYNAMODB_STORAGE_GB_MONTH,
                ConfigKeys.PRICE_S3_STORAGE, S3_STORAGE_GB_MONTH, ConfigKeys.PRICE_S3_CLASS_A, S3_CLASS_A_PER_THOUSAND,
                ConfigKeys.PRICE_S3_CLASS_B, S3_CLASS_B_PER_THOUSAND, ConfigKeys.PRICE_TRANSFER_OUT, TRANSFER_OUT_PER_GB);
        boolean all = keys.keySet().stream().allMatch(s::has);
        return new PricingConfig(all ? "configured" : DEFAULT_REGION,
                price(s, ConfigKeys.PRICE_DYNAMODB_READ, DYNAMODB_READ_PER_MILLION),
                price(s, ConfigKeys.PRICE_DYNAMODB_WRITE, DYNAMODB_WRITE_PER_MILLION),
                price(s, ConfigKeys.PRICE_DYNAMODB_STORAGE, DYNAMODB_STORAGE_GB_MONTH),
                price(s, ConfigKeys.PRICE_S3_STORAGE, S3_STORAGE_GB_MONTH),
                price(s, ConfigKeys.PRICE_S3_CLASS_A, S3_CLASS_A_PER_THOUSAND),
                price(s, ConfigKeys.PRICE_S3_CLASS_B, S3_CLASS_B_PER_THOUSAND),
                price(s, ConfigKeys.PRICE_TRANSFER_OUT, TRANSFER_OUT_PER_GB));
    }

    private static BigDecimal price(Settings s, ConfigKey key, BigDecimal fallback) {
        Optional<String> raw = s.string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            BigDecimal value = new BigDecimal(raw.get());
            if (value.signum() < 0 || value.compareTo(new BigDecimal("1000")) > 0) {
                throw s.invalid(key, "'" + raw.get() + "' must be a price in US dollars from 0 to 1000");
            }
            return value;
        } catch (NumberFormatException e) {
            throw s.invalid(key, "'" + raw.get() + "' is not a decimal number like 0.125");
        }
    }
}
