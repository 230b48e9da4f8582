package dev.coffer.http;

import dev.coffer.error.ErrorCode;
import dev.coffer.identity.Caller;
import java.util.Objects;
import java.util.Optional;

/**
 * One answered request, as the edge saw it: what metrics, the access log, the console's activity
 * list and usage counters are built from, so they all agree on what happened.
 *
 * @param route the declared pattern that matched (e.g. {@code /api/v1/collections/{collection}/items/{id}}),
 *              empty for a request no route matched: metrics label by this, never by the raw path
 * @param path the path as the client sent it, still percent-encoded
 * @param caller who called, when the route is protected and the caller was verified
 * @param error the problem's stable code, when the answer was a problem
 */
public record CompletedRequest(String method, Optional<String> route, String path, int status, long durationNanos,
                               String requestId, String clientAddress, Optional<Caller> caller,
                               Optional<ErrorCode> error) {
    public CompletedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(error, "error");
    }

    /** "2xx", "4xx", ...: the label cardinality metrics can afford. */
    public String statusClass() {
        return (status / 100) + "xx";
    }

    public double durationMillis() {
        return durationNanos / 1_000_000.0;
    }
}
