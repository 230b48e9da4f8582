package dev.coffer.auth;

/** For {@code coffer keys new}: a fresh service key and the hash to configure. */
public final class ServiceKeyMaker {
    private ServiceKeyMaker() {
    }

    /** {@code [key, sha256hex]}. */
    public static String[] generate() {
        return ServiceKeys.generate();
    }
}
