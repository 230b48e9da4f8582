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
