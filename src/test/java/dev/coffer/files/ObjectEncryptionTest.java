package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.FilesConfig;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.SharedEmbeddedServers;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Every object write asks S3 for the same encryption: the single PUT, the multipart create and the
 * presigned PUT (whose answer tells the client the headers it must send, and whose signature
 * covers them). {@code files.sse = "s3"} sends AES256 and never a KMS key, {@code "kms"} sends
 * aws:kms with the configured key, and without encryption (local mode, {@code "bucket"}) no header
 * goes at all. The requests are read as they leave the SDK; S3Proxy may refuse them (it implements
 * no per-object encryption), which this test does not care about.
 */
@ExtendWith(SharedEmbeddedServers.class)
class ObjectEncryptionTest {
    private static final String SSE = "x-amz-server-side-encryption";
    private static final String KMS_KEY = "x-amz-server-side-encryption-aws-kms-key-id";
    private static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

    @Test
    void sseS3_everyWriteAsksForAes256_andNamesNoKmsKey(EmbeddedServers stack) throws Exception {
        var sent = writes(stack, FilesConfig.Sse.S3, true, "sse-s3");
        assertThat(sent.sent()).hasSize(2).allSatisfy(headers -> {
            assertThat(headers.get(SSE)).isEqualTo(List.of("AES256"));
            assertThat(headers).doesNotContainKey(KMS_KEY);
        });
        assertThat(sent.presignedHeaders()).containsEntry(SSE, "AES256").doesNotContainKey(KMS_KEY);
        assertThat(sent.presignedUrl()).contains(SSE);
    }

    @Test
    void kms_everyWriteAsksForAwsKms_withTheConfiguredKey(EmbeddedServers stack) throws Exception {
        var sent = writes(stack, FilesConfig.Sse.KMS, true, "sse-kms");
        assertThat(sent.sent()).hasSize(2).allSatisfy(headers -> {
            assertThat(headers.get(SSE)).isEqualTo(List.of("aws:kms"));
            assertThat(headers.get(KMS_KEY)).isEqualTo(List.of(KEY_ID));
        });
        assertThat(sent.presignedHeaders()).containsEntry(SSE, "aws:kms").containsEntry(KMS_KEY, KEY_ID);
        assertThat(sent.presignedUrl()).contains(SSE).contains(KMS_KEY);
    }

    @Test
    void withoutEncryption_noWriteSendsAnEncryptionHeader(EmbeddedServers stack) throws Exception {
        var sent = writes(stack, FilesConfig.Sse.KMS, false, "sse-none");
        assertThat(sent.sent()).hasSize(2).allSatisfy(headers -> assertThat(headers).doesNotContainKeys(SSE, KMS_KEY));
        assertThat(sent.presignedHeaders()).doesNotContainKeys(SSE, KMS_KEY);
        assertThat(sent.presignedUrl()).doesNotContain(SSE);
    }

    private record Sent(List<Map<String, List<String>>> sent, Map<String, Object> presignedHeaders, String presignedUrl) {
    }

    /** One single PUT, one multipart create and one presigned PUT: the headers each carried. */
    private static Sent writes(EmbeddedServers stack, FilesConfig.Sse sse, boolean encrypt, String bucket) throws Exception {
        var sent = new CopyOnWriteArrayList<Map<String, List<String>>>();
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY));
        var pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
        var config = new FilesConfig(FilesConfig.DEFAULT_MAX_SIZE, List.of(), FilesConfig.MIN_PART_SIZE, FilesConfig.MIN_PART_SIZE,
                FilesConfig.DEFAULT_PRESIGN_MAX, sse, Optional.of(KEY_ID));
        try (var s3 = S3Client.builder().endpointOverride(stack.s3().endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials)
                .serviceConfiguration(pathStyle)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        String operation = context.request().getClass().getSimpleName();
                        if (operation.equals("PutObjectRequest") || operation.equals("CreateMultipartUploadRequest")) {
                            sent.add(context.httpRequest().headers());
                        }
                    }
                })).build();
             var presigner = S3Presigner.builder().endpointOverride(stack.s3().endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).serviceConfiguration(pathStyle).build()) {
            s3.createBucket(b -> b.bucket(bucket));
            var store = new FileStore(s3, bucket, "users/", config, encrypt);
            UserId user = new UserId("encryption-u1");
            // A small body of known length (one PUT) and one a byte over a part of unknown length (a multipart create).
            tryUpload(() -> store.upload(user, "small.bin", new ByteArrayInputStream(new byte[10]), 10, "application/octet-stream", false));
            tryUpload(() -> store.upload(user, "large.bin", new ByteArrayInputStream(new byte[FilesConfig.MIN_PART_SIZE + 1]), -1,
                    "application/octet-stream", false));
            var presigned = new Presigning(presigner, store, Optional::empty, Clock.systemUTC())
                    .presignPut(user, "presigned.bin", Optional.empty(), "application/octet-stream", 10);
            @SuppressWarnings("unchecked")
            var headers = (Map<String, Object>) presigned.get("headers");
            return new Sent(List.copyOf(sent), headers, (String) presigned.get("url"));
        }
    }

    /** Runs an upload whose outcome does not matter here (S3Proxy may refuse the encryption it asks for). */
    private static void tryUpload(Runnable upload) {
        try {
            upload.run();
        } catch (RuntimeException refused) {
            // the request was sent and recorded; that is what is checked
        }
    }
}
