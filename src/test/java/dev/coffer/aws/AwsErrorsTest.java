package dev.coffer.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/** The translation table, for codes the real peers in other tests do not produce on demand. */
class AwsErrorsTest {
    private static CofferException translate(String code, String message, int status, String bucketRegion) {
        var http = SdkHttpResponse.builder().statusCode(status);
        if (bucketRegion != null) {
            http.putHeader("x-amz-bucket-region", bucketRegion);
        }
        var e = AwsServiceException.builder().statusCode(status).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage(message).sdkHttpResponse(http.build()).build()).build();
        return AwsErrors.translate(e, "GetItem on users");
    }

    @Test
    void accessDenied_namesActionResourceAndStatement() {
        CofferException e = translate("AccessDeniedException", "User: arn:aws:iam::123456789012:user/app is not authorized to perform: "
                + "dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/app-users because no identity-based "
                + "policy allows the dynamodb:PutItem action", 400, null);

        assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED);
        assertThat(e.oneLine()).isEqualTo("access_denied: GetItem on users failed with AccessDeniedException: dynamodb:PutItem is denied "
                + "on arn:aws:dynamodb:eu-west-1:123456789012:table/app-users. Fix: add statement CofferTableAppUsers from "
                + "'coffer policy --for runtime' to this identity's policy");
    }

    @Test
    void regionMismatch_namesTheBucketsRealRegion() {
        CofferException e = translate("PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.", 301, "eu-central-1");
        assertThat(e.code()).isEqualTo(ErrorCode.REGION_MISMATCH);
        assertThat(e.fix()).hasValueSatisfying(f -> assertThat(f).isEqualTo("set AWS_REGION=eu-central-1"));
    }

    @Test
    void clockSkew_reportsTheMeasuredDifference() {
        var http = SdkHttpResponse.builder().statusCode(403).putHeader("Date",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(20)));
        var e = AwsServiceException.builder().statusCode(403).awsErrorDetails(AwsErrorDetails.builder().errorCode("RequestTimeTooSkewed")
                .errorMessage("skewed").sdkHttpResponse(http.build()).build()).build();

        CofferException translated = AwsErrors.translate(e, "PutObject");

        assertThat(translated.code()).isEqualTo(ErrorCode.CLOCK_SKEW);
        assertThat(translated.detail()).containsPattern("this machine's clock is too far from AWS time \\(ahead by 1[12]\\d\\d s\\)");
    }

    @Test
    void expiredTokenAndSkewAndThrottling() {
        assertThat(translate("ExpiredTokenException", "expired", 400, null).code()).isEqualTo(ErrorCode.EXPIRED_CREDENTIALS);
        assertThat(translate("RequestTimeTooSkewed", "skew", 403, null).code()).isEqualTo(ErrorCode.CLOCK_SKEW);
        assertThat(translate("ProvisionedThroughputExceededException", "slow", 400, null).retryAfter()).isPresent();
        assertThat(translate("NoSuchBucket", "none", 404, null).fix()).hasValueSatisfying(f -> assertThat(f).contains("coffer init"));
    }
}
