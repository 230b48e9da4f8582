package dev.coffer.identity;

import java.util.Objects;

/**
 * An operator signed in to the console: an admin account, kept apart from app users (an admin is
 * no {@link UserId} and owns no data). Admin routes receive one from the HTTP edge, which
 * authenticated the admin's session cookie; nothing else opens them.
 *
 * @param id the admin's stable id (what the admin log names)
 * @param email the address the admin logs in with
 */
public record Admin(String id, String email) {
    public Admin {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
    }
}
