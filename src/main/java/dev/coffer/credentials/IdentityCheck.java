package dev.coffer.credentials;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Who credentials belong to, asked of STS (GetCallerIdentity needs no permission), and the
 * account pin: credentials of any other account than {@code aws.expected_account_id} are refused.
 */
public final class IdentityCheck {
    private final StsClient sts;

    IdentityCheck(StsClient sts) {
        this.sts = sts;
    }

    /**
     * The account and ARN behind credentials, and STS's {@code Date} header (doctor compares it
     * with this clock).
     */
    public record Identity(String account, String arn, Optional<String> serverDate) {
    }

    /** Asks STS who {@code credentials} are; an AWS failure is translated (unknown key, expired, unreachable). */
    Identity ask(AwsCredentialsProvider credentials) {
        GetCallerIdentityResponse response;
        try {
            response = sts.getCallerIdentity(b -> b.overrideConfiguration(o -> o.credentialsProvider(credentials)));
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "checking the credentials with sts:GetCallerIdentity");
        }
        return new Identity(response.account(), response.arn(), response.sdkHttpResponse().firstMatchingHeader("Date"));
    }

    /** Refuses {@code identity} when an account is pinned and it is another. */
    static void requirePinned(Optional<String> expectedAccount, Identity identity) {
        if (expectedAccount.isPresent() && !expectedAccount.get().equals(identity.account())) {
            throw new CofferException(ErrorCode.WRONG_ACCOUNT, "credentials belong to account " + identity.account()
                    + ", expected " + expectedAccount.get(), "use credentials of account " + expectedAccount.get()
                    + ", or correct aws.expected_account_id if the pin is wrong");
        }
    }
}
