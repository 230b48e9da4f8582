package dev.coffer.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Service keys for back ends that act for their own users: {@code ck_} and 32 random bytes.
 * Coffer keeps only their SHA-256 hashes (from configuration) and compares in constant time.
 */
final class ServiceKeys {
    static final String PREFIX = "ck_";
    private final List<byte[]> hashes;

    ServiceKeys(List<String> hexHashes) {
        this.hashes = hexHashes.stream().map(HexFormat.of()::parseHex).toList();
    }

    boolean isServiceKey(String token) {
        return token.startsWith(PREFIX);
    }

    boolean accepts(String key) {
        byte[] hash = HexFormat.of().parseHex(AccountStore.sha256(key));
        boolean match = false;
        for (byte[] known : hashes) {
            match |= MessageDigest.isEqual(known, hash);
        }
        return match;
    }

    /** A fresh key and the hash to configure. */
    static String[] generate() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return new String[] {key, AccountStore.sha256(key)};
    }
}
