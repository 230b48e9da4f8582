package dev.coffer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.config.CofferConfig;

import dev.coffer.aws.SdkHttpClients;
import dev.coffer.credentials.Credentials;
import dev.coffer.credentials.IdentityCheck;
import dev.coffer.credentials.ResolvedCredentials;
import dev.coffer.error.CofferException;
import dev.coffer.support.Json;
import dev.coffer.support.logging.LogSetup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "whoami",
        description = {"Show which AWS identity Coffer's credentials are.",
            "Mode, source, masked key, account, ARN and expiry, from one STS GetCallerIdentity call. Exit 3 when the "
                + "credentials are refused."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coffer whoami",
            "  coffer whoami --env-file prod.env --json",
            "  COFFER_AWS_CREDENTIALS_MODE=profile AWS_PROFILE=dev coffer whoami"})
final class WhoamiCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--json", description = "Keys mode, source, access_key_id (masked), account, arn, expires_at.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(false, "error");
        var loaded = configOptions.loadOrReport(Map.of());
        if (loaded.isEmpty()) {
            return Main.EXIT_CONFIG;
        }
        CofferConfig config = loaded.get();
        if (config.local()) {
            System.err.println("coffer: whoami: the embedded default uses local keys and no AWS account; configure AWS credentials to check them");
            return Main.EXIT_OK;
        }
        Clock clock = Clock.systemUTC();
        // Checked here whatever aws.validate_credentials says: asking STS is what whoami is for.
        try (Credentials running = Credentials.open(config, clock, SdkHttpClients.apache(), Credentials.Verification.BY_CALLER)) {
            IdentityCheck.Identity identity = running.verifyIdentity(config.aws().expectedAccountId());
            ResolvedCredentials credentials = running.current();
            String expires = credentials.expiration().map(Instant::toString).orElse(null);
            if (json) {
                ObjectNode out = Json.mapper().createObjectNode();
                out.put("mode", credentials.mode().label());
                out.put("source", credentials.source());
                out.put("access_key_id", credentials.maskedAccessKeyId());
                out.put("account", identity.account());
                out.put("arn", identity.arn());
                out.put("expires_at", expires);
                System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            } else {
                System.out.println("mode:       " + credentials.mode());
                System.out.println("source:     " + credentials.source());
                System.out.println("key:        " + credentials.maskedAccessKeyId());
                System.out.println("account:    " + identity.account());
                System.out.println("arn:        " + identity.arn());
                System.out.println("expires:    " + (expires == null ? "never (long-lived or refreshed by the provider)" : expires));
                credentials.expiration().ifPresent(e -> System.out.println("time left:  "
                        + Duration.between(clock.instant(), e).toMinutes() + " min"));
            }
            return Main.EXIT_OK;
        } catch (CofferException e) {
            System.err.println("coffer: " + e.oneLine());
            return ServeCommand.exitCodeFor(e);
        }
    }
}
