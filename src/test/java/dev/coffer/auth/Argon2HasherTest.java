package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.AuthConfig;
import dev.coffer.testing.TestCoffer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Hashes and checks with real argon2id: password4j's hashes still verify, new ones are PHC strings of the configured cost. */
class Argon2HasherTest {
    private static final long MIB = 1024 * 1024;

    /**
     * Made with the password4j 1.8.4 code this class replaced ({@code Argon2Function.getInstance(m, t, p, 32,
     * Argon2.ID, 19)}, 16-byte random salt), before the switch: accounts registered then must still log in.
     */
    private static final String PASSWORD4J_DEFAULT_COST = // correct horse battery staple
            "$argon2id$v=19$m=19456,t=2,p=1$AC0vSGv6nRAWVUpu2OSHrg$I5TrckArx0lzfnmZ6pV7y6Hp0sp1w46go8aHOgJSlTA";
    private static final String PASSWORD4J_TWO_LANES = // P\u00e4ssw\u00f6rd mit \u00dcmlauten \u2713 (UTF-8)
            "$argon2id$v=19$m=8192,t=3,p=2$qL6oNX14wX9ppREcQmbs3Q$yZe7Ws0orWsgU9Zq0R0Vg+aNwGLY8rbqsSydvPQXR/M";
    private static final String PASSWORD4J_TEST_COST = // short1234
            "$argon2id$v=19$m=1024,t=1,p=1$Rrpa2VfvoOyAYfo7aM0AdQ$NDhU3IUJJV1HP//cSQkxEjF24/ksVvco9achc+G0x5A";

    /** The cost comes from each stored hash, not from the configuration: a cheap hasher checks them all. */
    private final Argon2Hasher cheap = hasher(1024, 1, 1);

    private static Argon2Hasher hasher(int memoryKib, int iterations, int parallelism) {
        return new Argon2Hasher(TestCoffer.config("", Map.of("COFFER_AUTH_ARGON2_MEMORY_KIB", String.valueOf(memoryKib),
                "COFFER_AUTH_ARGON2_ITERATIONS", String.valueOf(iterations),
                "COFFER_AUTH_ARGON2_PARALLELISM", String.valueOf(parallelism))).auth());
    }

    @Test
    void password4jHashesStillVerify() {
        assertThat(cheap.verify("correct horse battery staple", PASSWORD4J_DEFAULT_COST)).isTrue();
        assertThat(cheap.verify("P\u00e4ssw\u00f6rd mit \u00dcmlauten \u2713", PASSWORD4J_TWO_LANES)).isTrue();
        assertThat(cheap.verify("short1234", PASSWORD4J_TEST_COST)).isTrue();
    }

    @Test
    void password4jHashesRefuseOtherPasswords() {
        assertThat(cheap.verify("correct horse battery stapler", PASSWORD4J_DEFAULT_COST)).isFalse();
        assertThat(cheap.verify("Passwort mit Umlauten", PASSWORD4J_TWO_LANES)).isFalse();
        assertThat(cheap.verify("short1234", PASSWORD4J_DEFAULT_COST)).isFalse();
        assertThat(cheap.verify("", PASSWORD4J_TEST_COST)).isFalse();
    }

    @Test
    void newHashesArePhcStringsOfTheConfiguredCostAndVerify() {
        var hasher = hasher(8192, 3, 2);
        String hash = hasher.hash("new password 1");
        var phc = Pattern.compile("\\$argon2id\\$v=19\\$m=8192,t=3,p=2\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)").matcher(hash);
        assertThat(phc.matches()).as(hash).isTrue();
        assertThat(Base64.getDecoder().decode(phc.group(1))).hasSize(16);
        assertThat(Base64.getDecoder().decode(phc.group(2))).hasSize(32);
        assertThat(hasher.verify("new password 1", hash)).isTrue();
        assertThat(hasher.verify("new password 2", hash)).isFalse();
        // A random salt per hash: the same password never gives the same string.
        assertThat(hasher.hash("new password 1")).isNotEqualTo(hash);
        // Checked by a hasher configured otherwise too, as after raising the cost.
        assertThat(cheap.verify("new password 1", hash)).isTrue();
    }

    @Test
    void theDefaultCostIsWhatNewHashesCarry() {
        assertThat(hasher(19_456, 2, 1).hash("x")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    }

    @Test
    void malformedOrUnaffordableStoredHashesAreFalseNotExceptions() {
        String salt = "AC0vSGv6nRAWVUpu2OSHrg";
        String hash = "I5TrckArx0lzfnmZ6pV7y6Hp0sp1w46go8aHOgJSlTA";
        for (String stored : Arrays.asList(null, "", "not a hash", "$2a$10$abcdefghijklmnopqrstuv",
                "$argon2id$v=19$m=4194305,t=1,p=1$" + salt + "$" + hash,     // more memory than Coffer can be set to
                "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + hash, // beyond an int
                "$argon2id$v=19$m=19456,t=101,p=1$" + salt + "$" + hash,
                "$argon2id$v=19$m=19456,t=2,p=17$" + salt + "$" + hash)) {
            assertThat(cheap.verify("correct horse battery staple", stored)).as(stored).isFalse();
        }
        assertThat(cheap.verify(null, PASSWORD4J_TEST_COST)).isFalse();
    }

    @Test
    void storedHashesMayAskForHalfTheHeapOrTheConfiguredCostWhicheverIsMore() {
        assertThat(Argon2Hasher.maxStoredMemoryKib(19_456, 128 * MIB)).isEqualTo(65_536);
        assertThat(Argon2Hasher.maxStoredMemoryKib(19_456, 16 * MIB)).isEqualTo(19_456);
        assertThat(Argon2Hasher.maxStoredMemoryKib(19_456, 64 * 1024 * MIB)).isEqualTo(AuthConfig.MAX_ARGON2_MEMORY_KIB);
    }

    /**
     * The leak this class replaced was state kept across hashes (password4j cached one instance per
     * parameter set, each with a zeroed template of the full argon2 memory). What survives a hash here
     * is the hasher's own fields, so they must hold nothing argon2-sized: constants, and no Bouncy
     * Castle generator or parameters (a generator keeps its blocks pooled after a hash). Bouncy
     * Castle's own statics are not inspected; it allocates per generator, which this class never keeps.
     */
    @Test
    void nothingSizedByArgon2OutlivesAHash() {
        for (Class<?> type : new Class<?>[] {Argon2Hasher.class, Argon2idPhc.class}) {
            for (Field field : type.getDeclaredFields()) {
                Class<?> held = field.getType();
                assertThat(held.getName()).as(field.toString()).doesNotStartWith("org.bouncycastle");
                if (Modifier.isStatic(field.getModifiers())) {
                    assertThat(Modifier.isFinal(field.getModifiers())).as(field.toString()).isTrue();
                    assertThat(held.isPrimitive() || held == String.class || held == Duration.class || held == Pattern.class
                            || held == Base64.Encoder.class).as(field.toString()).isTrue();
                } else if (type == Argon2Hasher.class) {
                    assertThat(held.isArray()).as(field.toString()).isFalse();
                }
            }
        }
    }
}
