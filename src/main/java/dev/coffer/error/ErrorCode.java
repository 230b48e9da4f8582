package dev.coffer.error;

/**
 * Every error Coffer reports, with its stable code (the {@code code} member of problem JSON and
 * the prefix of CLI messages), its HTTP status and a short title. Codes never change meaning.
 */
public enum ErrorCode {
    BAD_REQUEST(400, "Bad request"),
    INVALID_JSON(400, "Malformed JSON body"),
    VALIDATION_FAILED(400, "Invalid input"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    UNAUTHORIZED(401, "Authentication required"),
    FORBIDDEN(403, "Forbidden"),
    /** A state-changing console request without its session's X-CSRF-Token (see http.AdminSessionCookie). */
    CSRF_TOKEN_INVALID(403, "CSRF token missing or wrong"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    REQUEST_TIMEOUT(408, "Request timeout"),
    CONFLICT(409, "Conflict"),
    PRECONDITION_FAILED(412, "Precondition failed"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    RANGE_NOT_SATISFIABLE(416, "Range not satisfiable"),
    RATE_LIMITED(429, "Too many requests"),
    /** A per-user quota (usage piece): 429 for counts and rates, 413 when the write's size is what crosses it. */
    QUOTA_EXCEEDED(429, "Quota exceeded"),
    INTERNAL(500, "Internal error"),
    OVERLOADED(503, "Server busy"),
    IDENTITY_PROVIDER_UNAVAILABLE(503, "Identity provider unreachable"),
    STARTUP_FAILED(500, "Start-up failed"),

    // AWS failures, translated by the aws piece.
    EXPIRED_CREDENTIALS(503, "AWS credentials expired"),
    NO_CREDENTIALS(503, "No AWS credentials"),
    INVALID_ACCESS_KEY(503, "AWS access key not recognised"),
    SIGNATURE_MISMATCH(503, "AWS signature does not match"),
    CLOCK_SKEW(503, "Clock skew too large"),
    ACCESS_DENIED(503, "AWS access denied"),
    WRONG_ACCOUNT(503, "Credentials of another AWS account"),
    MISSING_BUCKET(503, "S3 bucket missing"),
    MISSING_TABLE(503, "DynamoDB table missing"),
    REGION_MISMATCH(503, "Wrong AWS region"),
    BACKEND_UNAVAILABLE(503, "Storage backend unreachable"),
    THROTTLED(503, "AWS throttled the request"),
    AWS_ERROR(502, "AWS request failed");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The lower-case code clients match on, e.g. {@code expired_credentials}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
