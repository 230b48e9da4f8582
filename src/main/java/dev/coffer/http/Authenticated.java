package dev.coffer.http;

import dev.coffer.auth.Authenticator;
import dev.coffer.auth.Caller;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.Exchange;

/** Resolves the {@link Caller} of a request, or answers 401 with a problem body. */
public final class Authenticated {
    public static final String ON_BEHALF_OF_HEADER = "X-Coffer-User";
    private final Authenticator authenticator;

    public Authenticated(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public Caller caller(Exchange ctx) {
        return authenticator.authenticate(ctx.header("Authorization"), ctx.header(ON_BEHALF_OF_HEADER))
                .orElseThrow(() -> {
                    ctx.header("WWW-Authenticate", "Bearer");
                    return new CofferException(ErrorCode.UNAUTHORIZED, "a valid bearer token is required");
                });
    }
}
