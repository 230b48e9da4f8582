package dev.coffer.config;

/** Names of the users table and the files bucket and prefix. */
public record StorageConfig(String usersTable, String bucket, String prefix, boolean versioning) {
    public static final String DEFAULT_USERS_TABLE = "coffer-users";
    public static final String DEFAULT_BUCKET = "coffer-files";
    public static final String DEFAULT_PREFIX = "users/";
}
