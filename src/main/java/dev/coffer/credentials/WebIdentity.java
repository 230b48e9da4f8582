package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;

/**
 * Web identity (EKS IRSA, GitHub OIDC): the token file is exchanged for the role's keys with
 * AssumeRoleWithWebIdentity on the shared STS client, re-reading the file at each refresh (the
 * platform rotates it).
 */
final class WebIdentity implements CredentialSource {
    private final StsClient sts;

    WebIdentity(StsClient sts) {
        this.sts = sts;
    }

    @Override
    public Lookup find(CredentialsConfig c) {
        if (c.webIdentityTokenFile().isEmpty()) {
            return new NotFound("web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set");
        }
        if (c.roleArn().isEmpty()) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
                    "set AWS_ROLE_ARN to the role the token may assume");
        }
        Path tokenFile = c.webIdentityTokenFile().get();
        // AssumeRoleWithWebIdentity is unsigned: the token is the proof, so the STS client's anonymous default is right.
        var provider = StsAssumeRoleWithWebIdentityCredentialsProvider.builder().stsClient(sts).asyncCredentialUpdateEnabled(false)
                .refreshRequest(() -> AssumeRoleWithWebIdentityRequest.builder().roleArn(c.roleArn().get())
                        .roleSessionName(c.roleSessionName()).webIdentityToken(read(tokenFile)).build())
                .build();
        return new Found(CredentialsMode.ROLE, "web-identity", provider, Optional.empty(), CredentialSource.closing(provider));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new CofferException(ErrorCode.NO_CREDENTIALS, "cannot read the web identity token file " + file,
                    "check AWS_WEB_IDENTITY_TOKEN_FILE and the file's permissions");
        }
    }
}
