package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The EC2 instance profile over IMDSv2, through the SDK's provider, waiting at most
 * {@code aws.credentials.imds_timeout} (1 s) so start-up off EC2 stays fast. Found only when the
 * metadata service answers with credentials.
 */
final class InstanceProfile implements CredentialSource {
    private static final String DEFAULT_ENDPOINT = "169.254.169.254";

    @Override
    public Lookup find(CredentialsConfig c) {
        var builder = InstanceProfileCredentialsProvider.builder().asyncCredentialUpdateEnabled(false)
                // The SDK reads its IMDS wait from a profile setting; this in-memory profile is its only
                // profile, so ~/.aws/config is never consulted for the instance profile either.
                .profileFile(settings(c)).profileName("default");
        c.imdsEndpoint().ifPresent(endpoint -> builder.endpoint(endpoint.toString()));
        InstanceProfileCredentialsProvider provider = builder.build();
        try {
            provider.resolveCredentials();
        } catch (RuntimeException e) {
            provider.close();
            return new NotFound("instance profile: no answer from " + c.imdsEndpoint().map(Object::toString).orElse(DEFAULT_ENDPOINT)
                    + " within " + c.imdsTimeout().toSeconds() + " s");
        }
        return new Found(CredentialsMode.ROLE, "instance-profile", provider, Optional.empty(), CredentialSource.closing(provider));
    }

    private static ProfileFile settings(CredentialsConfig c) {
        String content = "[default]\nmetadata_service_timeout = " + (c.imdsTimeout().toMillis() / 1000.0) + "\n";
        return ProfileFile.builder().content(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)))
                .type(ProfileFile.Type.CONFIGURATION).build();
    }
}
