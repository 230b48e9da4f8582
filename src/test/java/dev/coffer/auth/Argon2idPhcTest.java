package dev.coffer.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The PHC string is read strictly: one spelling per hash, and no cost beyond what the caller allows. */
class Argon2idPhcTest {
    private static final int ANY_MEMORY = 4 * 1024 * 1024;
    private static final String SALT = "AC0vSGv6nRAWVUpu2OSHrg";
    private static final String HASH = "I5TrckArx0lzfnmZ6pV7y6Hp0sp1w46go8aHOgJSlTA";
    private static final String VALID = "$argon2id$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH;

    private static Optional<Argon2idPhc> parse(String stored) {
        return Argon2idPhc.parse(stored, ANY_MEMORY);
    }

    @Test
    void readsWhatItWrites() {
        Argon2idPhc phc = parse(VALID).orElseThrow();
        assertThat(phc.memoryKib()).isEqualTo(19_456);
        assertThat(phc.iterations()).isEqualTo(2);
        assertThat(phc.parallelism()).isEqualTo(1);
        assertThat(phc.salt()).hasSize(16);
        assertThat(phc.hash()).hasSize(32);
        assertThat(phc.encoded()).isEqualTo(VALID);
    }

    @Test
    void refusesOtherAlgorithmsVersionsAndSpellings() {
        for (String stored : new String[] {
                "$argon2i$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH,
                "$argon2d$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH,
                "$argon2id$v=16$m=19456,t=2,p=1$" + SALT + "$" + HASH,
                "$argon2id$m=19456,t=2,p=1$" + SALT + "$" + HASH,
                "$argon2id$v=19$t=2,m=19456,p=1$" + SALT + "$" + HASH,
                "$argon2id$v=19$m=019456,t=2,p=1$" + SALT + "$" + HASH,
                "$argon2id$v=19$m=+19456,t=2,p=1$" + SALT + "$" + HASH,
                "$argon2id$v=19$m=19456,t=2,p=1,keyid=x$" + SALT + "$" + HASH,
                "$argon2id$v=19$m=19456,t=2,p=1$" + SALT + "==$" + HASH,
                "$argon2id$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH + "=",
                "$argon2id$v=19$m=19456,t=2,p=1$AC0vSGv6nRAWVUpu2OSH_g$" + HASH, // base64url
                "$argon2id$v=19$m=19456,t=2,p=1$" + SALT + "$",
                "$argon2id$v=19$m=19456,t=2,p=1$" + SALT,
                "$argon2id$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH + "$",
                " " + VALID,
                VALID + "\n",
                "$ARGON2ID$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH,
        }) {
            assertThat(parse(stored)).as(stored).isEmpty();
        }
    }

    @Test
    void refusesNonCanonicalBase64() {
        // 22 characters carry 16 bytes and 4 spare bits, which must be zero: "Q" and "R" differ only there.
        String canonical = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAQ$" + HASH;
        assertThat(parse(canonical)).isPresent();
        assertThat(parse(canonical.replace("AQ$", "AR$"))).isEmpty();
        // 21 characters are not a whole number of bytes.
        assertThat(parse("$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAA$" + HASH)).isEmpty();
    }

    @Test
    void refusesCostsOutOfRange() {
        String tail = "$" + SALT + "$" + HASH;
        assertThat(parse("$argon2id$v=19$m=19456,t=0,p=1" + tail)).isEmpty();
        assertThat(parse("$argon2id$v=19$m=19456,t=2,p=0" + tail)).isEmpty();
        assertThat(parse("$argon2id$v=19$m=0,t=2,p=1" + tail)).isEmpty();
        assertThat(parse("$argon2id$v=19$m=19456,t=101,p=1" + tail)).isEmpty();
        assertThat(parse("$argon2id$v=19$m=19456,t=2,p=17" + tail)).isEmpty();
        assertThat(parse("$argon2id$v=19$m=4194305,t=2,p=1" + tail)).isEmpty();
        assertThat(parse("$argon2id$v=19$m=9999999999,t=9999999999,p=1" + tail)).isEmpty();
        // argon2 needs at least 8 KiB per lane.
        assertThat(parse("$argon2id$v=19$m=63,t=2,p=8" + tail)).isEmpty();
        assertThat(parse("$argon2id$v=19$m=64,t=2,p=8" + tail)).isPresent();
        // Beyond the caller's memory ceiling (half the heap, in Argon2Hasher).
        assertThat(Argon2idPhc.parse(VALID, 19_455)).isEmpty();
        assertThat(Argon2idPhc.parse(VALID, 19_456)).isPresent();
    }

    @Test
    void refusesSaltsAndHashesOfOddSizes() {
        String cost = "$argon2id$v=19$m=19456,t=2,p=1$";
        assertThat(parse(cost + "AAAAAAAAAA$" + HASH)).as("7-byte salt").isEmpty();
        assertThat(parse(cost + "AAAAAAAAAAA$" + HASH)).as("8-byte salt").isPresent();
        assertThat(parse(cost + SALT + "$AAAAAAAAAAAAAAAAAAAA")).as("15-byte hash").isEmpty();
        assertThat(parse(cost + SALT + "$" + "A".repeat(86))).as("64-byte hash").isPresent();
        assertThat(parse(cost + SALT + "$" + "A".repeat(88))).as("66-byte hash").isEmpty();
    }
}
