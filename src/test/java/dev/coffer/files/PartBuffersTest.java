package dev.coffer.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import dev.coffer.usage.FileMeter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A multipart upload holds one part of heap while it runs; how many may run at once is bounded
 * (a quarter of the heap), and one more is refused with 503 {@code overloaded} before it reads
 * a byte of its body, instead of taking the heap every other request needs.
 */
@ExtendWith(SharedEmbeddedServers.class)
class PartBuffersTest {
    @Test
    void partBufferSlots_aQuarterOfTheHeap_atLeastOne() {
        assertThat(FileStore.partBufferSlots(128L << 20, 8 << 20)).isEqualTo(4);
        assertThat(FileStore.partBufferSlots(64L << 20, 32 << 20)).isEqualTo(1);
        assertThat(FileStore.partBufferSlots(64L << 30, 5 << 20)).isEqualTo(3276);
    }

    @Test
    void uploadBeyondTheSlots_refused503Overloaded_othersStoredWhole(EmbeddedServers stack) throws Exception {
        try (var coffer = TestCoffer.start(stack, "", Map.of())) {
            var config = coffer.server().config();
            var store = new FileStore(coffer.server().clients().s3(), config.storage().bucket(), config.storage().prefix(),
                    config.files(), false, FileMeter.NONE, 1);
            int part = config.files().partSizeBytes();
            UserId user = new UserId("part-buffers-u1");
            var holding = new CountDownLatch(1);
            var finish = new CountDownLatch(1);
            // One part, then a body that waits: the upload holds its buffer until told to finish.
            InputStream slow = new InputStream() {
                private final InputStream first = new ByteArrayInputStream(new byte[part]);

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = first.read(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    holding.countDown();
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    return -1;
                }
            };
            var first = CompletableFuture.supplyAsync(() -> store.upload(user, "big/first.bin", slow, -1, "application/octet-stream", false));
            assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> store.upload(user, "big/second.bin", new ByteArrayInputStream(new byte[part + 1]), -1,
                    "application/octet-stream", false))
                    .isInstanceOfSatisfying(CofferException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
                        assertThat(e.code().status()).isEqualTo(503);
                    });
            finish.countDown();
            assertThat(first.get(60, TimeUnit.SECONDS).size()).isEqualTo(part);
            // The slot is back: the next one is stored.
            assertThat(store.upload(user, "big/third.bin", new ByteArrayInputStream(new byte[part + 1]), -1,
                    "application/octet-stream", false).size()).isEqualTo(part + 1);
            assertThat(store.size(user, "big/second.bin")).isEmpty();
        }
    }
}
