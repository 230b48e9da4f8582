package dev.coffer.aws;

import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Where a bucket really is, as S3 states it. */
public final class BucketRegion {
    private BucketRegion() {
    }

    /**
     * The bucket's region from HeadBucket's {@code x-amz-bucket-region} header, which S3 sends with
     * 301 and 403 answers too, so an identity under the runtime policy (no HeadBucket) still
     * learns it. Empty when the server names none (some S3-compatible servers) or is unreachable.
     */
    public static Optional<String> of(S3Client s3, String bucket) {
        try {
            return Optional.ofNullable(s3.headBucket(b -> b.bucket(bucket)).bucketRegion());
        } catch (S3Exception e) {
            return AwsErrors.bucketRegion(e);
        } catch (SdkException e) {
            return Optional.empty();
        }
    }
}
