package dev.coffer.files;

import dev.coffer.identity.UserDataOwner;
import dev.coffer.identity.UserId;
import dev.coffer.aws.AwsErrors;
import dev.coffer.config.FilesConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.EntityTags;
import dev.coffer.usage.FileMeter;
import dev.coffer.usage.Reservation;
import dev.coffer.usage.Usage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Per-user objects under {@code <prefix><user_id>/}. Uploads stream: a body of known, small length
 * goes up in one PutObject; anything else in parts of {@code part_size} bytes, one part in memory
 * at a time, and the multipart upload is aborted on any failure (the client went away, a part
 * failed, the size limit was crossed), so no half object and no orphaned upload remain.
 */
final class FileStore implements UserDataOwner {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    /** S3's limit on an object key, in bytes of UTF-8. */
    static final int MAX_KEY_BYTES = 1024;
    /** Bodies up to this size are held in memory so a failed attempt can be retried by the SDK. */
    private static final int REPLAYABLE_BYTES = 256 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final FilesConfig config;
    private final boolean encrypt;
    /** Told of every stored and deleted byte (usage counters, the files quotas). */
    private final FileMeter meter;
    /**
     * One permit per part buffer that may exist at once. A multipart upload holds
     * {@code part_size} bytes of heap for as long as it runs; unbounded, a few clients sending
     * large bodies at once could take the whole heap (16 uploads of 8 MiB parts exceed the
     * launcher's 128 MiB), and every request would fail with it.
     */
    private final Semaphore partBuffers;

    FileStore(S3Client s3, String bucket, String prefix, FilesConfig config, boolean encrypt) {
        this(s3, bucket, prefix, config, encrypt, FileMeter.NONE);
    }

    FileStore(S3Client s3, String bucket, String prefix, FilesConfig config, boolean encrypt, FileMeter meter) {
        this(s3, bucket, prefix, config, encrypt, meter, partBufferSlots(Runtime.getRuntime().maxMemory(), config.partSizeBytes()));
    }

    FileStore(S3Client s3, String bucket, String prefix, FilesConfig config, boolean encrypt, FileMeter meter,
              int partBufferSlots) {
        this.partBuffers = new Semaphore(partBufferSlots);
        this.meter = meter;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.config = config;
        this.encrypt = encrypt;
    }

    String bucket() {
        return bucket;
    }

    String folder(UserId userId) {
        return prefix + userId.value() + "/";
    }

    /**
     * The object key of {@code path}: within S3's 1024 bytes of UTF-8 together with the folder
     * (prefix and user id), or a 400 naming the path before any S3 call.
     */
    String key(UserId userId, String path) {
        return withinKeyLimit(folder(userId), path, "path");
    }

    private static String withinKeyLimit(String folder, String relative, String field) {
        String key = folder + relative;
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            int left = MAX_KEY_BYTES - folder.getBytes(StandardCharsets.UTF_8).length;
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'" + field + "' is too long: S3 keys are at most "
                    + MAX_KEY_BYTES + " bytes, and this account's folder leaves " + left + " bytes of UTF-8 for it");
        }
        return key;
    }

    FilesConfig config() {
        return config;
    }

    /**
     * The encryption every object write asks S3 for (the PUT, the multipart create, the presigned
     * PUT): none in local mode or with {@code files.sse = "bucket"}, where the bucket's own default
     * applies.
     */
    Optional<ServerSideEncryption> objectEncryption() {
        if (!encrypt) {
            return Optional.empty();
        }
        return Optional.of(config.sse() == FilesConfig.Sse.KMS ? ServerSideEncryption.AWS_KMS : ServerSideEncryption.AES256);
    }

    /** The KMS key those writes name: only with KMS encryption and a configured {@code kms_key_id}. */
    Optional<String> objectKmsKeyId() {
        return objectEncryption().filter(ServerSideEncryption.AWS_KMS::equals).flatMap(kms -> config.kmsKeyId());
    }

    /** Stores {@code body}; {@code length} is -1 when the client did not say. */
    StoredFile upload(UserId userId, String path, InputStream body, long length, String contentType, boolean createOnly) {
        if (length > config.maxSizeBytes()) {
            throw tooLarge();
        }
        // The size of what is there now: a replacement counts its difference, not one more file.
        Optional<Long> replaced = size(userId, path);
        if (createOnly && replaced.isPresent()) {
            throw exists();
        }
        String key = key(userId, path);
        var metered = new Metered(userId, replaced);
        try {
            if (length >= 0) {
                // Known size: counted (or refused at the quota) before a byte goes to S3.
                metered.reserve(length);
            }
            StoredFile stored = length >= 0 && length <= config.multipartThresholdBytes()
                    ? putSingle(key, path, body, length, contentType, createOnly, metered)
                    : putMultipart(key, path, body, contentType, createOnly, metered);
            metered.keep();
            return stored;
        } catch (SdkException e) {
            if (e instanceof S3Exception s && s.statusCode() == 412) {
                throw exists();
            }
            throw AwsErrors.translate(e, "upload to " + bucket);
        } finally {
            metered.releaseUnlessKept();
        }
    }

    /**
     * One upload's part in the usage counters: reserved once its size is known (at the start, or
     * before the object becomes visible: the last call of a multipart upload), kept when S3 has
     * the object, released otherwise.
     */
    private final class Metered {
        private final UserId user;
        private final Optional<Long> replaced;
        private Reservation reservation;
        private boolean kept;

        Metered(UserId user, Optional<Long> replaced) {
            this.user = user;
            this.replaced = replaced;
        }

        void reserve(long size) {
            if (reservation == null) {
                reservation = meter.reserve(user, replaced.isPresent() ? 0 : 1, size - replaced.orElse(0L));
            }
        }

        void keep() {
            kept = true;
        }

        void releaseUnlessKept() {
            if (!kept && reservation != null) {
                reservation.release();
            }
        }
    }

    private StoredFile putSingle(String key, String path, InputStream body, long length, String contentType, boolean createOnly,
                                 Metered metered) {
        metered.reserve(length);
        var request = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).contentLength(length);
        encryption(request);
        if (createOnly) {
            request.ifNoneMatch("*");
        }
        RequestBody requestBody;
        if (length <= REPLAYABLE_BYTES) {
            // Small bodies are read first so the SDK can resend them when a retry is needed.
            requestBody = RequestBody.fromBytes(readExactly(body, (int) length));
        } else {
            requestBody = RequestBody.fromInputStream(new CountingInputStream(body, length), length);
        }
        try {
            var response = s3.putObject(request.build(), requestBody);
            return new StoredFile(path, length, response.eTag(), contentType, Instant.now());
        } catch (IllegalStateException notReplayable) {
            // A streamed body cannot be sent twice: S3 failed mid-way and the SDK could not retry.
            throw new CofferException(ErrorCode.BACKEND_UNAVAILABLE, "S3 did not take the upload; nothing was stored, retry",
                    "check that S3 is reachable", java.time.Duration.ofSeconds(1), notReplayable);
        }
    }

    /** A quarter of the heap for part buffers, and at least one: the rest serves every other request. */
    static int partBufferSlots(long maxHeapBytes, int partSizeBytes) {
        return (int) Math.max(1, Math.min(10_000, maxHeapBytes / 4 / partSizeBytes));
    }

    private StoredFile putMultipart(String key, String path, InputStream body, String contentType, boolean createOnly,
                                    Metered metered) {
        // Refused at once rather than queued: a queued upload holds its connection and request slot while it waits.
        if (!partBuffers.tryAcquire()) {
            throw new CofferException(ErrorCode.OVERLOADED, "too many large uploads at once on this instance (each holds "
                    + config.partSizeBytes() + " bytes of memory); nothing was stored, retry", "retry after the Retry-After "
                    + "delay, or upload through a presigned URL (POST /api/v1/files/presign), which bypasses Coffer",
                    java.time.Duration.ofSeconds(1), null);
        }
        try {
            return putMultipartHoldingABuffer(key, path, body, contentType, createOnly, metered);
        } finally {
            partBuffers.release();
        }
    }

    private StoredFile putMultipartHoldingABuffer(String key, String path, InputStream body, String contentType,
                                                  boolean createOnly, Metered metered) {
        int partSize = config.partSizeBytes();
        byte[] buffer = new byte[partSize];
        int first = readPart(body, buffer);
        if (first < partSize) {
            // It fitted in one part after all (a small body of unknown length): one PutObject.
            byte[] exact = java.util.Arrays.copyOf(buffer, first);
            return putSingle(key, path, new ByteArrayInputStream(exact), first, contentType, createOnly, metered);
        }
        var create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key).contentType(contentType);
        objectEncryption().ifPresent(create::serverSideEncryption);
        objectKmsKeyId().ifPresent(create::ssekmsKeyId);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        var parts = new ArrayList<CompletedPart>();
        long total = 0;
        try {
            int read = first;
            int number = 1;
            while (read > 0) {
                total += read;
                if (total > config.maxSizeBytes()) {
                    throw tooLarge();
                }
                int length = read;
                int partNumber = number;
                var response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) length),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                                "application/octet-stream"));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build());
                number++;
                read = readPart(body, buffer);
            }
            // Counted before the object becomes visible; over the quota, the upload is aborted below.
            metered.reserve(total);
            var response = s3.completeMultipartUpload(b -> {
                b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts));
                if (createOnly) {
                    b.ifNoneMatch("*");
                }
            });
            return new StoredFile(path, total, response.eTag(), contentType, Instant.now());
        } catch (RuntimeException e) {
            abort(key, uploadId);
            throw e;
        }
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            // The bucket's lifecycle rule for incomplete uploads is the backstop; say so in the log.
            LOG.warn("could not abort multipart upload of {}: {}", key, AwsErrors.translate(e, "AbortMultipartUpload").oneLine());
        }
    }

    private static byte[] readExactly(InputStream body, int length) {
        try {
            byte[] bytes = body.readNBytes(length);
            if (bytes.length != length || body.read() >= 0) {
                throw new CofferException(ErrorCode.BAD_REQUEST, "the body does not match its Content-Length; nothing was stored");
            }
            return bytes;
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "the upload was interrupted; nothing was stored");
        }
    }

    /** Fills {@code buffer} from the client; a broken connection ends the upload (and aborts it). */
    private static int readPart(InputStream body, byte[] buffer) {
        try {
            return body.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "the upload was interrupted; nothing was stored");
        }
    }

    private void encryption(PutObjectRequest.Builder request) {
        objectEncryption().ifPresent(request::serverSideEncryption);
        objectKmsKeyId().ifPresent(request::ssekmsKeyId);
    }

    /** One lock per key for conditional replaces; striped so memory stays fixed. */
    private final java.util.concurrent.locks.ReentrantLock[] stripes = java.util.stream.IntStream.range(0, 64)
            .mapToObj(i -> new java.util.concurrent.locks.ReentrantLock()).toArray(java.util.concurrent.locks.ReentrantLock[]::new);

    /**
     * Replaces the file only while its ETag strongly matches {@code ifMatch} (RFC 9110 13.1.1:
     * {@code *} matches any existing file, a weak tag none; 412 otherwise), so two
     * read-modify-write clients cannot lose each other's update. The compare and the write happen
     * under a per-key lock in this process.
     */
    StoredFile replaceIfMatch(UserId userId, String path, InputStream body, long length, String contentType, EntityTags ifMatch) {
        String key = key(userId, path);
        var lock = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        lock.lock();
        try {
            var current = head(userId, path).orElseThrow(() -> new CofferException(ErrorCode.PRECONDITION_FAILED,
                    "no file at this path to match (If-Match)"));
            if (!ifMatch.strongMatch(current.eTag())) {
                throw new CofferException(ErrorCode.PRECONDITION_FAILED, "the file changed (ETag " + current.eTag()
                        + "); read it again and retry");
            }
            if (length < 0 || length > config.multipartThresholdBytes()) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED,
                        "conditional replace (If-Match) takes bodies of known length up to files.multipart_threshold_bytes");
            }
            if (length > config.maxSizeBytes()) {
                throw tooLarge();
            }
            var metered = new Metered(userId, Optional.ofNullable(current.contentLength()));
            try {
                StoredFile stored = putSingle(key, path, body, length, contentType, false, metered);
                metered.keep();
                return stored;
            } finally {
                metered.releaseUnlessKept();
            }
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new CofferException(ErrorCode.PRECONDITION_FAILED, "the file changed; read it again and retry");
            }
            throw AwsErrors.translate(e, "PutObject on " + bucket);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "PutObject on " + bucket);
        } finally {
            lock.unlock();
        }
    }

    boolean exists(UserId userId, String path) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key(userId, path)));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw AwsErrors.translate(e, "HeadObject on " + bucket);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "HeadObject on " + bucket);
        }
    }

    /** Deletes one file; false when there was none. */
    boolean delete(UserId userId, String path) {
        Optional<Long> size = size(userId, path);
        if (size.isEmpty()) {
            return false;
        }
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key(userId, path)));
            meter.deleted(userId, size.get());
            return true;
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DeleteObject on " + bucket);
        }
    }

    /**
     * Deletes every object and aborts every unfinished upload under the user's folder. Idempotent.
     * Lists with {@code encoding-type=url}, so keys XML cannot carry (stored before paths were
     * checked, or by other tools) still list; deletes in batches of up to 1000, and one by one the
     * keys a multi-object delete's XML body cannot carry.
     */
    @Override
    public void deleteAllFor(UserId userId) {
        String folder = folder(userId);
        try {
            String token = null;
            do {
                String continuation = token;
                var page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(folder).continuationToken(continuation)
                        .encodingType(EncodingType.URL));
                var batch = new ArrayList<ObjectIdentifier>();
                for (var object : page.contents()) {
                    if (xmlSafe(object.key())) {
                        batch.add(ObjectIdentifier.builder().key(object.key()).build());
                    } else {
                        s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
                    }
                }
                if (!batch.isEmpty()) {
                    var result = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
                    if (result.hasErrors() && !result.errors().isEmpty()) {
                        throw new CofferException(ErrorCode.AWS_ERROR, "could not delete " + result.errors().size()
                                + " of the user's files (first: " + result.errors().get(0).code() + "); retry",
                                "check the s3:DeleteObject permission", null, null);
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            String keyMarker = null;
            String uploadIdMarker = null;
            do {
                String keys = keyMarker;
                String ids = uploadIdMarker;
                var uploads = s3.listMultipartUploads(b -> b.bucket(bucket).prefix(folder).encodingType(EncodingType.URL)
                        .keyMarker(keys).uploadIdMarker(ids));
                for (var upload : uploads.uploads()) {
                    // Unlike an upload's own clean-up, a failure here fails the deletion: parts are the user's data too.
                    try {
                        s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                    } catch (S3Exception e) {
                        if (e.statusCode() != 404) {
                            throw e;
                        }
                    }
                }
                boolean more = Boolean.TRUE.equals(uploads.isTruncated());
                keyMarker = more ? uploads.nextKeyMarker() : null;
                uploadIdMarker = more ? uploads.nextUploadIdMarker() : null;
            } while (keyMarker != null);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "deleting the files of a user in " + bucket);
        }
    }

    /**
     * Whether a key can travel in an XML 1.0 body as itself: no control characters (some are not
     * XML characters at all, and XML parsers turn CR into LF), no noncharacters, no lone surrogates.
     */
    static boolean xmlSafe(String key) {
        return key.codePoints().noneMatch(c -> Character.isISOControl(c) || FilePaths.surrogate(c) || FilePaths.noncharacter(c));
    }

    /** The result of a read: the stream (the caller closes it), nothing there, or a range outside the file. */
    sealed interface Read {
        record Found(software.amazon.awssdk.core.ResponseInputStream<software.amazon.awssdk.services.s3.model.GetObjectResponse> body)
                implements Read {
        }

        record Missing() implements Read {
        }

        record RangeNotSatisfiable() implements Read {
        }
    }

    Read open(UserId userId, String path, Optional<String> range) {
        String key = key(userId, path);
        try {
            return new Read.Found(s3.getObject(b -> {
                b.bucket(bucket).key(key);
                range.ifPresent(b::range);
            }));
        } catch (S3Exception e) {
            return switch (e.statusCode()) {
                case 404 -> new Read.Missing();
                case 416 -> new Read.RangeNotSatisfiable();
                default -> throw AwsErrors.translate(e, "GetObject on " + bucket);
            };
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "GetObject on " + bucket);
        }
    }

    /**
     * Counts a presigned PUT of {@code size} bytes to {@code path} when its URL is issued (refused
     * at the files quotas): S3 takes the body without Coffer, so this is the only moment to. The
     * URL takes exactly that length; one that is never used leaves its reservation counted until
     * {@code coffer usage --recount}.
     */
    void reservePresignedPut(UserId userId, String path, long size) {
        Optional<Long> replaced = size(userId, path);
        meter.reserve(userId, replaced.isPresent() ? 0 : 1, size - replaced.orElse(0L));
    }

    /** The size of the file at {@code path}, if there is one (a HEAD). */
    Optional<Long> size(UserId userId, String path) {
        return head(userId, path).map(h -> h.contentLength() == null ? 0L : h.contentLength());
    }

    /** The number and total size of the user's files, listed from S3 (what a usage recount compares with). */
    Usage.Stored measure(UserId userId) {
        long count = 0;
        long bytes = 0;
        try {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder(userId)).encodingType(EncodingType.URL))) {
                for (var object : page.contents()) {
                    count++;
                    bytes += object.size();
                }
            }
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "ListObjectsV2 on " + bucket);
        }
        return new Usage.Stored(count, bytes);
    }

    /** Every user with a folder of files (the common prefixes under the key prefix). */
    java.util.Set<UserId> owners() {
        var users = new java.util.LinkedHashSet<UserId>();
        try {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))) {
                for (var common : page.commonPrefixes()) {
                    String id = common.prefix().substring(prefix.length(), common.prefix().length() - 1);
                    try {
                        users.add(new UserId(id));
                    } catch (IllegalArgumentException notAUser) {
                        LOG.warn("a folder under {} is not a user id; skipped", prefix);
                    }
                }
            }
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "ListObjectsV2 on " + bucket);
        }
        return users;
    }

    Optional<software.amazon.awssdk.services.s3.model.HeadObjectResponse> head(UserId userId, String path) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key(userId, path))));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            if (e.statusCode() == 403) {
                // A HEAD answer has no body, so no error code for AwsErrors to read: the status is all there is.
                throw new CofferException(ErrorCode.ACCESS_DENIED, "HeadObject on " + bucket + " is denied (HTTP 403)",
                        "add statement " + dev.coffer.policy.PolicyGenerator.OBJECTS_SID
                                + " from 'coffer policy --for runtime' to this identity's policy", null, e);
            }
            throw AwsErrors.translate(e, "HeadObject on " + bucket);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "HeadObject on " + bucket);
        }
    }

    /** A page of the user's files under {@code relativePrefix}. */
    record Listing(List<StoredFile> files, Optional<String> nextToken) {
    }

    Listing list(UserId userId, String relativePrefix, int limit, Optional<String> continuation) {
        String folder = folder(userId);
        String prefix = withinKeyLimit(folder, relativePrefix, "prefix");
        try {
            var page = s3.listObjectsV2(b -> {
                // URL-encoded keys (the SDK decodes them): a key XML cannot carry does not break the listing.
                b.bucket(bucket).prefix(prefix).maxKeys(limit).encodingType(EncodingType.URL);
                continuation.ifPresent(b::continuationToken);
            });
            var files = page.contents().stream().map(o -> new StoredFile(o.key().substring(folder.length()), o.size(),
                    o.eTag(), null, o.lastModified())).toList();
            return new Listing(files, Boolean.TRUE.equals(page.isTruncated())
                    ? Optional.ofNullable(page.nextContinuationToken()) : Optional.empty());
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "ListObjectsV2 on " + bucket);
        }
    }

    private static CofferException tooLarge() {
        return new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "the file is larger than the limit (files.max_size_bytes)");
    }

    private static CofferException exists() {
        return new CofferException(ErrorCode.PRECONDITION_FAILED, "a file exists at this path (If-None-Match: *)");
    }

    /** Fails the upload when the client sends more or fewer bytes than it declared. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private final long expected;
        private long count;

        CountingInputStream(InputStream in, long expected) {
            super(in);
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > expected) {
                throw new IOException("more bytes than Content-Length");
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > expected) {
                    throw new IOException("more bytes than Content-Length");
                }
            }
            return n;
        }
    }
}
