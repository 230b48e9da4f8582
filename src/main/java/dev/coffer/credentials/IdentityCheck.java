package dev.coffer.credentials;

import dev.coffer.aws.AwsErrors;
import dev.coffer.config.CofferConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Who the credentials belong to, asked of STS (GetCallerIdentity needs no permission), and the
 * account pin: credentials of any other account than {@code aws.expected_account_id} are refused.
 */
public final class IdentityCheck {
    private IdentityCheck() {
    }

    /** The account and ARN behind credentials. */
    public record Identity(String account, String arn) {
    }

    public static Identity verify(CofferConfig config, ResolvedCredentials credentials) {
        GetCallerIdentityResponse response;
        try (StsClient sts = CredentialsResolver.stsClient(config, credentials.provider())) {
            response = sts.getCallerIdentity();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "checking the credentials with sts:GetCallerIdentity");
        }
        Optional<String> expected = config.aws().expectedAccountId();
        if (expected.isPresent() && !expected.get().equals(response.account())) {
            throw new CofferException(ErrorCode.WRONG_ACCOUNT, "credentials belong to account " + response.account()
                    + ", expected " + expected.get(), "use credentials of account " + expected.get()
                    + ", or correct aws.expected_account_id if the pin is wrong");
        }
        return new Identity(response.account(), response.arn());
    }
}
