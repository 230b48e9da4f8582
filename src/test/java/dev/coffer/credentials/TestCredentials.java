package dev.coffer.credentials;

import dev.coffer.aws.SdkHttpClients;
import dev.coffer.config.CofferConfig;
import java.time.Clock;

/** Opens credentials through the one entry point, {@link Credentials#open}, as the operator commands do. */
final class TestCredentials {
    private TestCredentials() {
    }

    /** What the configuration resolves to (not checked with STS); the running credentials are closed again. */
    static ResolvedCredentials resolve(CofferConfig config) {
        try (Credentials credentials = Credentials.open(config, Clock.systemUTC(), SdkHttpClients.apache(),
                Credentials.Verification.BY_CALLER)) {
            return credentials.current();
        }
    }

    /** The identity STS names for the configured credentials, with the account pin applied. */
    static IdentityCheck.Identity verify(CofferConfig config) {
        try (Credentials credentials = Credentials.open(config, Clock.systemUTC(), SdkHttpClients.apache(),
                Credentials.Verification.BY_CALLER)) {
            return credentials.verifyIdentity(config.aws().expectedAccountId());
        }
    }
}
