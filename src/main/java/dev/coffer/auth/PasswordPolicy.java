package dev.coffer.auth;

import dev.coffer.config.AuthConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;

/** The one password rule app users and console admins share: its length in code points, from {@code auth.password_*}. */
final class PasswordPolicy {
    private PasswordPolicy() {
    }

    /** @throws CofferException {@code validation_failed} naming {@code 'password'} when it is missing or of the wrong length */
    static void check(String password, AuthConfig config) {
        if (password == null) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'password' is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < config.passwordMinLength() || length > config.passwordMaxLength()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'password' must be " + config.passwordMinLength() + " to "
                    + config.passwordMaxLength() + " characters");
        }
    }
}
