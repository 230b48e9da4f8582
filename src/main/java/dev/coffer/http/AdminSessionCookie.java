package dev.coffer.http;

import java.time.Duration;

/**
 * The console's session cookie and its CSRF header, in one place: what the edge reads on every
 * admin route and what login and logout set. The cookie is HttpOnly (no script reads it),
 * SameSite=Strict (no other site's page sends it), scoped to the admin API, and Secure unless the
 * client is on loopback (the embedded default on http://127.0.0.1, where a Secure cookie would
 * never come back). The CSRF token travels in a header, which a cross-site form cannot set.
 */
public final class AdminSessionCookie {
    public static final String NAME = "coffer_admin";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Only the admin API needs the cookie; the console's static pages never see it. */
    public static final String PATH = "/api/v1/admin";

    private AdminSessionCookie() {
    }

    /** The Set-Cookie value that starts a session of {@code lifetime}. */
    public static String start(String token, Duration lifetime, Exchange exchange) {
        return NAME + "=" + token + "; Path=" + PATH + "; Max-Age=" + lifetime.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure(exchange) ? "; Secure" : "");
    }

    /** The Set-Cookie value that makes the browser forget the session. */
    public static String clear(Exchange exchange) {
        return NAME + "=; Path=" + PATH + "; Max-Age=0; HttpOnly; SameSite=Strict" + (secure(exchange) ? "; Secure" : "");
    }

    /** Secure, except for a client on loopback (the address a trusted proxy reports counts, not the proxy's). */
    static boolean secure(Exchange exchange) {
        String client = exchange.remoteAddress();
        return !(client.startsWith("127.") || client.equals("::1") || client.equals("0:0:0:0:0:0:0:1"));
    }
}
