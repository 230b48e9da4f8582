package dev.coffer.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure to report to a caller: a stable {@link ErrorCode}, a one-line cause safe to show to
 * a client, an optional one-line fix for the operator, and an optional retry hint. The HTTP edge
 * renders it as RFC 9457 problem JSON, the CLI as one line. Never carries secrets or stack
 * details in its message.
 */
public final class CofferException extends RuntimeException {
    private final ErrorCode code;
    private final String fix;
    private final Duration retryAfter;
    private final int status;
    private final java.util.Map<String, Object> members;

    public CofferException(ErrorCode code, String detail) {
        this(code, detail, null, null, null);
    }

    public CofferException(ErrorCode code, String detail, String fix) {
        this(code, detail, fix, null, null);
    }

    public CofferException(ErrorCode code, String detail, String fix, Duration retryAfter, Throwable cause) {
        super(detail, cause, false, cause != null);
        this.code = code;
        this.fix = fix;
        this.retryAfter = retryAfter;
        this.status = code.status();
        this.members = java.util.Map.of();
    }

    private CofferException(CofferException base, int status, java.util.Map<String, Object> members) {
        super(base.getMessage(), base.getCause(), false, base.getCause() != null);
        this.code = base.code;
        this.fix = base.fix;
        this.retryAfter = base.retryAfter;
        this.status = status;
        this.members = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(members));
    }

    /**
     * This failure answered with {@code status} instead of its code's usual one (a code that covers
     * both a size and a count, like {@code quota_exceeded}: 413 or 429), and with {@code members}
     * added to the problem JSON (RFC 9457 extension members: names in snake_case, values safe to
     * show the client).
     */
    public CofferException with(int status, java.util.Map<String, Object> members) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        return new CofferException(this, status, members);
    }

    /** The HTTP status to answer with: the code's, unless {@link #with} chose another. */
    public int status() {
        return status;
    }

    /** Extension members of the problem JSON, in order; empty for most failures. */
    public java.util.Map<String, Object> members() {
        return members;
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public Optional<String> fix() {
        return Optional.ofNullable(fix);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The CLI's one line: {@code code: cause. Fix: fix}. */
    public String oneLine() {
        return code.code() + ": " + getMessage() + (fix == null ? "" : ". Fix: " + fix);
    }
}
