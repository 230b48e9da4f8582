package dev.coffer.auth;

import dev.coffer.config.AuthConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * argon2id through Bouncy Castle, with PHC strings ({@link Argon2idPhc}), so parameters can be raised
 * later and old hashes still verify. Each hash takes {@code argon2_memory_kib} of memory: a semaphore
 * caps how many run at once, and a request that cannot get a slot in time answers 503 instead of
 * exhausting the heap.
 *
 * <p>Nothing outlives a hash: each gets its own generator, whose blocks are garbage once it returns
 * (a generator keeps its blocks pooled after {@code generateBytes}, so a shared one would hold the
 * whole {@code argon2_memory_kib} for good, as password4j's cached instances did).
 */
final class Argon2Hasher implements PasswordHasher {
    private static final int SALT_LENGTH = 16;
    private static final int HASH_LENGTH = 32;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final int maxStoredMemoryKib;
    private final SecureRandom random = new SecureRandom();
    private final Semaphore slots;

    Argon2Hasher(AuthConfig config) {
        this.memoryKib = config.argon2MemoryKib();
        this.iterations = config.argon2Iterations();
        this.parallelism = config.argon2Parallelism();
        long maxHeap = Runtime.getRuntime().maxMemory();
        this.maxStoredMemoryKib = maxStoredMemoryKib(memoryKib, maxHeap);
        this.slots = new Semaphore(slots(memoryKib * 1024L, maxHeap, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The most memory a stored hash may ask for: what fits in half the heap (beyond it a check would
     * end in OutOfMemoryError), but never less than the configured cost, so hashes this process
     * writes always verify.
     */
    static int maxStoredMemoryKib(int configuredKib, long maxHeapBytes) {
        long halfHeapKib = Math.min(AuthConfig.MAX_ARGON2_MEMORY_KIB, maxHeapBytes / 2 / 1024);
        return (int) Math.max(configuredKib, halfHeapKib);
    }

    /**
     * How many hashes may run at once: two per core, but never more than half the heap's ceiling
     * in working memory (the launcher caps the heap at 128 MiB: eight 19 MiB hashes on a 4-core machine
     * beside the live set would end in OutOfMemoryError, not in the 503 this semaphore exists
     * for). At least one.
     */
    static int slots(long bytesPerHash, long maxHeapBytes, int cores) {
        long fit = maxHeapBytes / 2 / Math.max(1, bytesPerHash);
        return (int) Math.max(1, Math.min(Math.max(2, cores * 2L), fit));
    }

    @Override
    public String hash(String password) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return bounded(() -> new Argon2idPhc(memoryKib, iterations, parallelism, salt,
                argon2id(password, memoryKib, iterations, parallelism, salt, HASH_LENGTH)).encoded());
    }

    /**
     * False for a malformed or unaffordable stored hash (see {@link Argon2idPhc#parse}) without
     * computing anything; the only exception is the 503 when no slot frees up in time.
     */
    @Override
    public boolean verify(String password, String hash) {
        Optional<Argon2idPhc> stored = Argon2idPhc.parse(hash, maxStoredMemoryKib);
        if (password == null || stored.isEmpty()) {
            return false;
        }
        Argon2idPhc s = stored.get();
        return bounded(() -> MessageDigest.isEqual(s.hash(),
                argon2id(password, s.memoryKib(), s.iterations(), s.parallelism(), s.salt(), s.hash().length)));
    }

    private static byte[] argon2id(String password, int memoryKib, int iterations, int parallelism, byte[] salt, int length) {
        var generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
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
