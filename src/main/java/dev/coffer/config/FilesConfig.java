package dev.coffer.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of the files piece. Object keys are {@code <s3.prefix><user_id>/<path>}; the bucket
 * and prefix live in {@link StorageConfig} because health, policy and provisioning need them too.
 *
 * @param allowedContentTypes empty: any type; entries may end in {@code /*}
 */
public record FilesConfig(long maxSizeBytes, List<String> allowedContentTypes, long multipartThresholdBytes,
                          int partSizeBytes, Duration presignMaxExpiry, Sse sse, Optional<String> kmsKeyId) {
    public static final long DEFAULT_MAX_SIZE = 5L * 1024 * 1024 * 1024;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final Duration DEFAULT_PRESIGN_MAX = Duration.ofMinutes(15);
    /** S3's most parts in one multipart upload. */
    public static final int MAX_PARTS = 10_000;
    private static final Pattern CONTENT_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\\*)");

    /**
     * Server-side encryption asked for on each stored object. {@code BUCKET} asks for none and
     * leaves it to the bucket's default encryption: S3-compatible servers often refuse the
     * per-request header (S3Proxy answers 501), and AWS itself encrypts every new object with
     * SSE-S3 when no header is sent.
     */
    public enum Sse { S3, KMS, BUCKET }

    public FilesConfig {
        allowedContentTypes = List.copyOf(allowedContentTypes);
    }

    /** @param compatibleServer an S3 endpoint names a server other than AWS's own: {@code files.sse} defaults to bucket there */
    static FilesConfig from(Settings s, boolean compatibleServer) {
        List<String> types = s.string(ConfigKeys.FILES_ALLOWED_TYPES).map(v -> Arrays.stream(v.split(","))
                .map(t -> t.trim().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty()).toList()).orElse(List.of());
        for (String type : types) {
            if (!CONTENT_TYPE.matcher(type).matches()) {
                throw s.invalid(ConfigKeys.FILES_ALLOWED_TYPES, "'" + type + "' is not a content type like image/png or video/*");
            }
        }
        Sse sse = switch (s.oneOf(ConfigKeys.FILES_SSE, compatibleServer ? "bucket" : "s3", Set.of("s3", "kms", "bucket"))) {
            case "kms" -> Sse.KMS;
            case "bucket" -> Sse.BUCKET;
            default -> Sse.S3;
        };
        Optional<String> kmsKey = s.string(ConfigKeys.FILES_KMS_KEY);
        if (sse == Sse.KMS && kmsKey.isEmpty()) {
            throw s.invalid(ConfigKeys.FILES_SSE, "kms needs files.kms_key_id (COFFER_FILES_KMS_KEY_ID)");
        }
        long maxSize = s.longValue(ConfigKeys.FILES_MAX_SIZE, DEFAULT_MAX_SIZE, 1, 5L * 1024 * 1024 * 1024 * 1024);
        int partSize = s.integer(ConfigKeys.FILES_PART_SIZE, DEFAULT_PART_SIZE, MIN_PART_SIZE, 512 * 1024 * 1024);
        if (maxSize > (long) partSize * MAX_PARTS) {
            // S3 takes at most 10,000 parts: a larger file would fail at its 10,001st part.
            throw s.invalid(ConfigKeys.FILES_MAX_SIZE, maxSize + " bytes need more than S3's " + MAX_PARTS + " parts of "
                    + partSize + " bytes (files.part_size_bytes); raise the part size to at least "
                    + ((maxSize + MAX_PARTS - 1) / MAX_PARTS) + " or lower the limit");
        }
        return new FilesConfig(
                maxSize,
                types,
                s.longValue(ConfigKeys.FILES_MULTIPART_THRESHOLD, DEFAULT_MULTIPART_THRESHOLD, MIN_PART_SIZE, 5L * 1024 * 1024 * 1024),
                partSize,
                s.duration(ConfigKeys.FILES_PRESIGN_MAX, DEFAULT_PRESIGN_MAX, Duration.ofSeconds(1), Duration.ofDays(7)),
                sse, kmsKey);
    }

    /** Whether files of {@code contentType} may be stored. */
    public boolean allows(String contentType) {
        if (allowedContentTypes.isEmpty()) {
            return true;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return allowedContentTypes.stream().anyMatch(allowed -> allowed.endsWith("/*")
                ? type.startsWith(allowed.substring(0, allowed.length() - 1)) : type.equals(allowed));
    }
}
