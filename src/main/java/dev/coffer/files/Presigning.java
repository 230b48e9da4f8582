package dev.coffer.files;

import dev.coffer.config.FilesConfig;
import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned URLs for one key of the caller's own folder. The expiry is the smallest of what the
 * client asked, {@code files.presign_max_expiry}, and the time left on the credentials that sign
 * it (a URL signed with a session that ends sooner dies then; {@code expires_at} says so).
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

    Map<String, Object> presign(UserId userId, String path, String method, Optional<Long> requestedSeconds,
                                Optional<String> contentType) {
        FilesConfig config = store.config();
        Instant now = clock.instant();
        Duration expiry = config.presignMaxExpiry();
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
        Duration signatureDuration = expiry;
        String key = store.key(userId, path);
        var headers = new LinkedHashMap<String, String>();
        String url;
        if (method.equals("GET")) {
            url = presigner.presignGetObject(b -> b.signatureDuration(signatureDuration)
                    .getObjectRequest(g -> g.bucket(store.bucket()).key(key))).url().toString();
        } else {
            contentType.ifPresent(t -> headers.put("Content-Type", t));
            if (store.encrypts()) {
                boolean kms = config.sse() == FilesConfig.Sse.KMS;
                headers.put("x-amz-server-side-encryption", kms ? "aws:kms" : "AES256");
                config.kmsKeyId().filter(k -> kms).ifPresent(k -> headers.put("x-amz-server-side-encryption-aws-kms-key-id", k));
            }
            url = presigner.presignPutObject(b -> b.signatureDuration(signatureDuration).putObjectRequest(p -> {
                p.bucket(store.bucket()).key(key);
                contentType.ifPresent(p::contentType);
                if (store.encrypts()) {
                    boolean kms = config.sse() == FilesConfig.Sse.KMS;
                    p.serverSideEncryption(kms ? ServerSideEncryption.AWS_KMS : ServerSideEncryption.AES256);
                    config.kmsKeyId().filter(k -> kms).ifPresent(p::ssekmsKeyId);
                }
            })).url().toString();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("method", method);
        body.put("path", path);
        body.put("expires_at", now.plus(expiry).toString());
        body.put("expires_in", expiry.toSeconds());
        body.put("limited_by_credentials", limitedByCredentials);
        body.put("headers", headers);
        return body;
    }
}
