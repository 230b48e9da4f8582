package dev.coffer.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many argon2 hashes may run at once: per core, but within half the heap's ceiling. */
class Argon2HasherSlotsTest {
    private static final long MIB = 1024 * 1024;
    private static final long OWASP = 19_456 * 1024L;   // auth.argon2_memory_kib's default

    @Test
    void theLaunchersHeapAllowsTwoDefaultHashesNotTwoPerCore() {
        assertEquals(3, Argon2Hasher.slots(OWASP, 128 * MIB, 8));
        assertEquals(2, Argon2Hasher.slots(OWASP, 96 * MIB, 8));
    }

    @Test
    void aLargeHeapKeepsTwoPerCore() {
        assertEquals(16, Argon2Hasher.slots(OWASP, 4096 * MIB, 8));
        assertEquals(2, Argon2Hasher.slots(OWASP, 4096 * MIB, 1));
    }

    @Test
    void aHeapTooSmallForTwoStillAllowsOne() {
        assertEquals(1, Argon2Hasher.slots(OWASP, 32 * MIB, 4));
        assertEquals(1, Argon2Hasher.slots(64 * MIB, 64 * MIB, 4));
    }
}
