package dev.coffer.credentials;

import dev.coffer.aws.AwsErrors;
import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A named profile of the shared AWS files ({@code AWS_PROFILE}, else {@code default}), only when
 * chosen with mode {@code profile} or {@code sso}. Loaded at once, so an expired SSO login is
 * refused at start-up with the {@code aws sso login --profile NAME} fix.
 */
final class ProfileCredentials implements CredentialSource {
    private final CredentialsMode mode;

    ProfileCredentials(CredentialsMode mode) {
        this.mode = mode;
    }

    @Override
    public Lookup find(CredentialsConfig c) {
        String name = c.profile().orElse("default");
        var provider = ProfileCredentialsProvider.builder().profileName(name).build();
        try {
            provider.resolveCredentials();
        } catch (RuntimeException e) {
            provider.close();
            CofferException translated = AwsErrors.translate(e instanceof SdkException sdk ? sdk
                    : SdkClientException.create(String.valueOf(e.getMessage()), e), "loading profile:" + name + " credentials");
            if (translated.code() == ErrorCode.EXPIRED_CREDENTIALS) {
                throw new CofferException(ErrorCode.EXPIRED_CREDENTIALS, "the SSO login of profile " + name + " has expired",
                        "run 'aws sso login --profile " + name + "' and try again", null, e);
            }
            throw translated;
        }
        return new Found(mode, "profile:" + name, provider, Optional.empty(), CredentialSource.closing(provider));
    }
}
