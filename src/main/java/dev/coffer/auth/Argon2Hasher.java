package dev.coffer.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.coffer.config.AuthConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * argon2id through password4j, with PHC strings ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}),
 * so parameters can be raised later and old hashes still verify. Each hash takes
 * {@code argon2_memory_kib} of memory: a semaphore caps how many run at once, and a request that
 * cannot get a slot in time answers 503 instead of exhausting the heap.
 */
final class Argon2Hasher implements PasswordHasher {
    private static final int HASH_LENGTH = 32;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Argon2Function function;
    private final Semaphore slots;

    Argon2Hasher(AuthConfig config) {
        this.function = Argon2Function.getInstance(config.argon2MemoryKib(), config.argon2Iterations(),
                config.argon2Parallelism(), HASH_LENGTH, Argon2.ID, 19);
        this.slots = new Semaphore(slots(config.argon2MemoryKib() * 1024L, Runtime.getRuntime().maxMemory(),
                Runtime.getRuntime().availableProcessors()));
    }

    /**
     * How many hashes may run at once: two per core, but never more than half the heap's ceiling
     * in working memory (the launcher caps the heap at 128 MiB: eight 19 MiB hashes on a 4-core machine
     * beside the ~40 MiB live set would end in OutOfMemoryError, not in the 503 this semaphore exists
     * for). At least one.
     */
    static int slots(long bytesPerHash, long maxHeapBytes, int cores) {
        long fit = maxHeapBytes / 2 / Math.max(1, bytesPerHash);
        return (int) Math.max(1, Math.min(Math.max(2, cores * 2L), fit));
    }

    @Override
    public String hash(String password) {
        return bounded(() -> Password.hash(password).addRandomSalt(16).with(function).getResult());
    }

    @Override
    public boolean verify(String password, String hash) {
        return bounded(() -> {
            try {
                return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
            } catch (RuntimeException malformed) {
                return false;
            }
        });
    }

    private <T> T bounded(java.util.function.Supplier<T> work) {
        boolean acquired;
        try {
            acquired = slots.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new CofferException(ErrorCode.OVERLOADED, "too many password checks in flight; retry shortly", null,
                    Duration.ofSeconds(1), null);
        }
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }
}
