package dev.coffer.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The environment that makes several {@link TestCoffer}s one deployment: the same users table,
 * bucket, collection table suffix and signing key, as N instances behind a balancer share them.
 * Each instance still gets its own port and data dir.
 */
public final class SharedTables {
    private SharedTables() {
    }

    /** A fresh deployment's environment (unique names, so tests sharing one stack stay apart), plus {@code extra}. */
    public static Map<String, String> env(Map<String, String> extra) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var env = new HashMap<String, String>();
        env.put("COFFER_USERS_TABLE", "users-" + suffix);
        env.put("S3_BUCKET", "files-" + suffix);
        env.put("SECRET_KEY", "shared-instances-signing-key-" + suffix + "-0123456789");
        env.putAll(extra);
        return env;
    }
}
