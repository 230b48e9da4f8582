package dev.coffer.auth;

import dev.coffer.config.CofferConfig;
import dev.coffer.config.ConfigException;
import dev.coffer.config.ConfigKeys;
import dev.coffer.support.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key that signs access tokens. Outside local mode it must be configured ({@code SECRET_KEY},
 * at least 32 bytes, not a placeholder); on the embedded default one is generated once and kept
 * in the data dir (owner-only permissions), so tokens survive restarts.
 */
public final class SigningKeys {
    static final String FILE_NAME = "secret-key";

    private SigningKeys() {
    }

    public static Secret resolve(CofferConfig config) {
        if (config.auth().secretKey().isPresent()) {
            Secret key = config.auth().secretKey().get();
            int length = key.reveal().getBytes(StandardCharsets.UTF_8).length;
            if (length < AccessTokens.MIN_KEY_BYTES) {
                throw new ConfigException(ConfigKeys.SECRET_KEY.name(),
                        "is " + length + " bytes; use at least " + AccessTokens.MIN_KEY_BYTES
                                + " random bytes (e.g. openssl rand -base64 48)");
            }
            if (key.reveal().chars().distinct().count() < 8) {
                throw new ConfigException(ConfigKeys.SECRET_KEY.name(), "is too repetitive to be a random key (e.g. openssl rand -base64 48)");
            }
            return key;
        }
        if (!config.local()) {
            throw new ConfigException(ConfigKeys.SECRET_KEY.name(),
                    "is required outside local mode; set SECRET_KEY to at least 32 random bytes (e.g. openssl rand -base64 48)");
        }
        return loadOrCreate(config.dataDir().resolve(FILE_NAME));
    }

    private static Secret loadOrCreate(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (stored.length() >= AccessTokens.MIN_KEY_BYTES) {
                    return Secret.of(stored);
                }
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[48];
            new SecureRandom().nextBytes(random);
            String key = Base64.getEncoder().encodeToString(random);
            Files.writeString(file, key, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the data dir's own permissions apply.
            }
            return Secret.of(key);
        } catch (IOException e) {
            throw new ConfigException(ConfigKeys.LOCAL_DATA_DIR.name(), "cannot keep the signing key in " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
