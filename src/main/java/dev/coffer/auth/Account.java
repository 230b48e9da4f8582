package dev.coffer.auth;

import dev.coffer.identity.UserId;

/** A stored user. The password hash never leaves the auth piece; {@code toString} leaves it out. */
record Account(UserId userId, String email, String fullName, String passwordHash, String createdAt, long sessionsValidAfterMillis) {
    @Override
    public String toString() {
        return "Account[" + userId + "]";
    }
}
