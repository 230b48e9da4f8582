package dev.coffer.files;

import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned URLs for one key of the caller's own folder. The expiry is the smallest of what the
 * client asked, {@code files.presign_max_expiry}, and the time left on the credentials that sign
 * it (a URL signed with a session that ends sooner dies then; {@code expires_at} says so). A PUT
 * URL is signed for one {@code Content-Type} and one {@code Content-Length} (SigV4 signed
 * headers), so S3 refuses a body of another type or length: the caller checked both against the
 * allow-list and the size limit before asking.
 */
final class Presigning {
    private final S3Presigner presigner;
    private final FileStore store;
    private final Supplier<Optional<Instant>> credentialsExpiry;
    private final Clock clock;

    Presigning(S3Presigner presigner, FileStore store, Supplier<Optional<Instant>> credentialsExpiry, Clock clock) {
        this.presigner = presigner;
        this.store = store;
        this.credentialsExpiry = credentialsExpiry;
        this.clock = clock;
    }

    Map<String, Object> presignGet(UserId userId, String path, Optional<Long> requestedSeconds) {
        String key = store.key(userId, path);
        Expiry expiry = expiry(requestedSeconds);
        String url = presigner.presignGetObject(b -> b.signatureDuration(expiry.duration())
                .getObjectRequest(g -> g.bucket(store.bucket()).key(key))).url().toString();
        return answer(url, "GET", path, expiry, new LinkedHashMap<>());
    }

    /** A PUT URL for a body of exactly {@code size} bytes of {@code contentType}. */
    Map<String, Object> presignPut(UserId userId, String path, Optional<Long> requestedSeconds, String contentType, long size) {
        String key = store.key(userId, path);
        Expiry expiry = expiry(requestedSeconds);
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", contentType);
        headers.put("Content-Length", Long.toString(size));
        // The client must send what was signed: the same values as the PUT below, as headers.
        store.objectEncryption().ifPresent(sse -> headers.put("x-amz-server-side-encryption", sse.toString()));
        store.objectKmsKeyId().ifPresent(k -> headers.put("x-amz-server-side-encryption-aws-kms-key-id", k));
        store.reservePresignedPut(userId, path, size);
        String url = presigner.presignPutObject(b -> b.signatureDuration(expiry.duration()).putObjectRequest(p -> {
            p.bucket(store.bucket()).key(key).contentType(contentType).contentLength(size);
            store.objectEncryption().ifPresent(p::serverSideEncryption);
            store.objectKmsKeyId().ifPresent(p::ssekmsKeyId);
        })).url().toString();
        return answer(url, "PUT", path, expiry, headers);
    }

    private record Expiry(Instant now, Duration duration, boolean limitedByCredentials) {
    }

    private Expiry expiry(Optional<Long> requestedSeconds) {
        Instant now = clock.instant();
        Duration expiry = store.config().presignMaxExpiry();
        if (requestedSeconds.isPresent() && Duration.ofSeconds(requestedSeconds.get()).compareTo(expiry) < 0) {
            expiry = Duration.ofSeconds(requestedSeconds.get());
        }
        boolean limitedByCredentials = false;
        Optional<Instant> credentialsEnd = credentialsExpiry.get();
        if (credentialsEnd.isPresent() && Duration.between(now, credentialsEnd.get()).compareTo(expiry) < 0) {
            expiry = Duration.between(now, credentialsEnd.get());
            limitedByCredentials = true;
        }
        if (!expiry.isPositive()) {
            throw new dev.coffer.error.CofferException(dev.coffer.error.ErrorCode.EXPIRED_CREDENTIALS,
                    "the credentials that would sign the URL have expired", "renew the AWS credentials");
        }
        return new Expiry(now, expiry, limitedByCredentials);
    }

    private static Map<String, Object> answer(String url, String method, String path, Expiry expiry, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("method", method);
        body.put("path", path);
        body.put("expires_at", expiry.now().plus(expiry.duration()).toString());
        body.put("expires_in", expiry.duration().toSeconds());
        body.put("limited_by_credentials", expiry.limitedByCredentials());
        body.put("headers", headers);
        return body;
    }
}
