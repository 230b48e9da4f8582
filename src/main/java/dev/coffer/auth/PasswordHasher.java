package dev.coffer.auth;

/** Hashes and checks passwords. Implementations are thread-safe; hashes are self-describing strings. */
public interface PasswordHasher {
    String hash(String password);

    boolean verify(String password, String hash);
}
