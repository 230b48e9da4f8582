package dev.coffer.aws;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one translation point from AWS SDK failures to Coffer errors: a stable code, a one-line
 * cause and a one-line fix. Used by start-up, /health and the API. The cause names AWS's own
 * error code so an operator can search for it, but never request ids, keys or signatures.
 */
public final class AwsErrors {
    private static final Duration RETRY_SOON = Duration.ofSeconds(1);

    private AwsErrors() {
    }

    /**
     * Starts the message of the failure Coffer's credentials guard raises for keys past their
     * expiry (before any AWS call); {@link #translate} turns it into {@code expired_credentials}.
     */
    public static final String EXPIRED_CREDENTIALS_MARKER = "Coffer: AWS credentials expired at ";

    /** Translates {@code e}, which happened while doing {@code operation} (e.g. "GetItem on table users"). */
    public static CofferException translate(SdkException e, String operation) {
        if (e instanceof AwsServiceException service) {
            return translateService(service, operation);
        }
        if (e instanceof ApiCallTimeoutException) {
            return new CofferException(ErrorCode.BACKEND_UNAVAILABLE, operation + " timed out",
                    "check that the endpoint is reachable and not overloaded; raise aws.api_call_timeout if calls are slow",
                    RETRY_SOON, e);
        }
        if (e instanceof SdkClientException client) {
            String message = String.valueOf(client.getMessage());
            if (message.contains(EXPIRED_CREDENTIALS_MARKER)) {
                return new CofferException(ErrorCode.EXPIRED_CREDENTIALS, operation + ": the AWS credentials expired at "
                        + message.substring(message.indexOf(" at ") + 4).trim(),
                        "renew the temporary keys (aws sso login, aws-vault, or your platform's role), then send SIGHUP or restart",
                        null, e);
            }
            if (message.contains("SSO") && (message.contains("expired") || message.contains("Token"))) {
                return new CofferException(ErrorCode.EXPIRED_CREDENTIALS, operation + ": the SSO session has expired",
                        "run 'aws sso login --profile <your profile>' and try again", null, e);
            }
            if (message.contains("Unable to load credentials") || message.contains("Unable to load AWS credentials")) {
                return new CofferException(ErrorCode.NO_CREDENTIALS, operation + ": no AWS credentials",
                        "configure credentials (see README, credentials)", RETRY_SOON, e);
            }
            if (hasCause(e, ConnectException.class) || hasCause(e, IOException.class)) {
                return new CofferException(ErrorCode.BACKEND_UNAVAILABLE, operation + ": endpoint unreachable",
                        "check the endpoint URL, network and that the service is running", RETRY_SOON, e);
            }
        }
        return new CofferException(ErrorCode.AWS_ERROR, operation + " failed",
                "see the server log for the request id", null, e);
    }

    /** A bucket in another region than Coffer is configured for (doctor's line and /health's S3 error). */
    public static CofferException regionMismatch(String bucket, String bucketRegion, String configuredRegion) {
        return new CofferException(ErrorCode.REGION_MISMATCH, "bucket " + bucket + " is in " + bucketRegion
                + ", Coffer is configured for " + configuredRegion, "set AWS_REGION=" + bucketRegion
                + " (its tables must be in that region too), or use a bucket in " + configuredRegion);
    }

    /** The region S3 names for the bucket in {@code x-amz-bucket-region} (sent with 301, 400 and 403 answers too). */
    public static java.util.Optional<String> bucketRegion(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null ? java.util.Optional.empty()
                : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
    }

    private static CofferException translateService(AwsServiceException e, String operation) {
        String awsCode = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? codeFromBody(e)
                : e.awsErrorDetails().errorCode();
        String cause = operation + " failed with " + awsCode;
        return switch (awsCode) {
            case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired" ->
                    new CofferException(ErrorCode.EXPIRED_CREDENTIALS, cause + ": the AWS session has expired",
                            "renew the temporary keys (aws sso login, aws-vault, or your platform's role) and reload", null, e);
            case "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId" ->
                    new CofferException(ErrorCode.INVALID_ACCESS_KEY, cause + ": AWS does not know this access key id",
                            "check AWS_ACCESS_KEY_ID (deleted or rotated key, or keys for another partition/endpoint)", null, e);
            case "SignatureDoesNotMatch", "InvalidSignatureException" ->
                    new CofferException(ErrorCode.SIGNATURE_MISMATCH, cause + ": the secret key does not match the access key id",
                            "check AWS_SECRET_ACCESS_KEY for a typo, stray quotes or whitespace", null, e);
            case "RequestTimeTooSkewed" ->
                    new CofferException(ErrorCode.CLOCK_SKEW, cause + ": this machine's clock is too far from AWS time" + skew(e),
                            "synchronise the clock (chrony/ntp)", null, e);
            case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError" ->
                    accessDenied(e, cause);
            case "NoSuchBucket" ->
                    new CofferException(ErrorCode.MISSING_BUCKET, cause + ": the bucket does not exist",
                            "run 'coffer init' or set S3_BUCKET to an existing bucket", null, e);
            case "ResourceNotFoundException" ->
                    new CofferException(ErrorCode.MISSING_TABLE, cause + ": the table does not exist",
                            "run 'coffer init' or check the table names and aws.region", null, e);
            case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException" -> {
                String real = bucketRegion(e).orElse(null);
                yield new CofferException(ErrorCode.REGION_MISMATCH,
                        cause + ": the bucket is in another region" + (real == null ? "" : " (" + real + ")"),
                        real == null ? "set AWS_REGION to the bucket's region" : "set AWS_REGION=" + real, null, e);
            }
            case "ThrottlingException", "Throttling", "ProvisionedThroughputExceededException", "SlowDown",
                 "RequestLimitExceeded", "TooManyRequestsException" ->
                    new CofferException(ErrorCode.THROTTLED, cause + ": AWS is throttling requests",
                            "retry later; raise table capacity or use on-demand billing", RETRY_SOON, e);
            case "NotImplemented" ->
                    // Not transient: an S3-compatible server that lacks a feature answers so every time.
                    new CofferException(ErrorCode.AWS_ERROR, cause + ": the server does not implement this request",
                            "an S3-compatible server lacks a feature Coffer asked for; for per-object encryption set "
                                    + "files.sse = \"bucket\"", null, e);
            default -> {
                if (e.statusCode() >= 500) {
                    yield new CofferException(ErrorCode.BACKEND_UNAVAILABLE, cause + " (HTTP " + e.statusCode() + ")",
                            "retry; the service reported an internal error", RETRY_SOON, e);
                }
                yield new CofferException(ErrorCode.AWS_ERROR, cause + " (HTTP " + e.statusCode() + ")",
                        "see the server log for the AWS request id", null, e);
            }
        };
    }

    /** The measured difference between this clock and the service's Date header, when it sent one. */
    private static String skew(AwsServiceException e) {
        try {
            String date = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Date").orElse(null);
            if (date == null) {
                return "";
            }
            java.time.Instant server = java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            long seconds = java.time.Duration.between(server, java.time.Instant.now()).toSeconds();
            return " (" + (seconds >= 0 ? "ahead by " : "behind by ") + Math.abs(seconds) + " s)";
        } catch (RuntimeException unreadable) {
            return "";
        }
    }

    private static final java.util.regex.Pattern DENIED_ACTION = java.util.regex.Pattern.compile(
            "perform: ([a-z0-9-]+:[A-Za-z]+)(?: on resource: \\\"?([^\\\" ]+))?");

    /** Names the denied action and resource, and the statement of 'coffer policy' that grants it. */
    private static CofferException accessDenied(AwsServiceException e, String cause) {
        String message = e.awsErrorDetails() == null ? "" : firstLine(e.awsErrorDetails().errorMessage());
        var m = DENIED_ACTION.matcher(message);
        if (!m.find()) {
            return new CofferException(ErrorCode.ACCESS_DENIED, cause + (message.isEmpty() ? "" : ": " + message),
                    "attach the policy printed by 'coffer policy' to this identity", null, e);
        }
        String action = m.group(1);
        String resource = m.group(2) == null ? "" : m.group(2);
        return new CofferException(ErrorCode.ACCESS_DENIED, cause + ": " + action + " is denied" + (resource.isEmpty() ? ""
                : " on " + resource), "add statement " + statementFor(action, resource)
                + " from 'coffer policy --for runtime' to this identity's policy", null, e);
    }

    static String statementFor(String action, String resource) {
        if (action.startsWith("dynamodb:")) {
            String table = resource.replaceAll(".*:table/", "").replaceAll("/index/.*", "");
            return dev.coffer.policy.PolicyGenerator.sid(resource.contains("/index/") ? "Indexes" : "Table", table);
        }
        if (action.equals("s3:ListBucket")) {
            return dev.coffer.policy.PolicyGenerator.LIST_PREFIX_SID;
        }
        if (action.equals("s3:ListBucketMultipartUploads")) {
            return dev.coffer.policy.PolicyGenerator.LIST_UPLOADS_SID;
        }
        if (action.startsWith("s3:")) {
            return dev.coffer.policy.PolicyGenerator.OBJECTS_SID;
        }
        if (action.startsWith("kms:")) {
            return dev.coffer.policy.PolicyGenerator.KMS_SID;
        }
        return dev.coffer.policy.PolicyGenerator.IDENTITY_SID;
    }

    private static final java.util.regex.Pattern XML_CODE = java.util.regex.Pattern.compile("<Code>([A-Za-z.]{1,100})</Code>");

    /**
     * Compatible servers (and moto) sometimes send an error body the SDK's protocol parser does not
     * read: take the code from the raw XML so the translation still names it.
     */
    private static String codeFromBody(AwsServiceException e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null) {
            return "";
        }
        var m = XML_CODE.matcher(e.awsErrorDetails().rawResponse().asUtf8String());
        return m.find() ? m.group(1) : "";
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").trim();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

}
