package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * {@code aws.credentials.assume_role_arn} assumed on top of the base credentials another source
 * found, refreshed before expiry. Each AssumeRole call names the base credentials in its own
 * request, so the shared STS client serves every layer and every reload.
 */
final class AssumeRole implements CredentialSource {
    private final StsClient sts;
    private final Found base;
    private final Clock clock;

    AssumeRole(StsClient sts, Found base, Clock clock) {
        this.sts = sts;
        this.base = base;
        this.clock = clock;
    }

    @Override
    public Lookup find(CredentialsConfig c) {
        String roleArn = c.assumeRoleArn().orElseThrow();
        // The base keys keep their own expiry guard: expired session keys are refused before STS is asked.
        var baseCredentials = new GuardedCredentialsProvider(base.provider(), base.configuredExpiry(), clock);
        var provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts).asyncCredentialUpdateEnabled(false)
                .refreshRequest(() -> {
                    var request = AssumeRoleRequest.builder().roleArn(roleArn).roleSessionName(c.roleSessionName())
                            .durationSeconds((int) c.assumeRoleDuration().toSeconds())
                            .overrideConfiguration(o -> o.credentialsProvider(baseCredentials));
                    c.assumeRoleExternalId().ifPresent(request::externalId);
                    return request.build();
                })
                .build();
        var owned = new ArrayList<AutoCloseable>(CredentialSource.closing(provider));
        owned.add(base::close);
        return new Found(CredentialsMode.ASSUME_ROLE, base.mode() + ":" + base.source() + " -> " + roleArn, provider,
                Optional.empty(), owned);
    }
}
