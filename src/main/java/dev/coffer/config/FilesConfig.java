package dev.coffer.config;

/**
 * Settings of the files piece (issue: files). The bucket and prefix live in {@link StorageConfig}
 * because health, policy and provisioning need them too.
 */
public record FilesConfig() {
    static FilesConfig from(Settings s) {
        return new FilesConfig();
    }
}
