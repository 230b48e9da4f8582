package dev.coffer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.app.CofferServer;
import dev.coffer.config.CofferConfig;

import dev.coffer.aws.SdkHttpClients;
import dev.coffer.credentials.Credentials;
import dev.coffer.error.CofferException;
import dev.coffer.policy.PolicyGenerator;
import dev.coffer.policy.PolicyTargets;
import dev.coffer.support.Json;
import dev.coffer.support.logging.LogSetup;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "policy",
        description = {"Print the least-privilege IAM policy for this configuration.",
            "Statements for the configured tables, indexes, bucket and prefix (JSON on stdout, notes on stderr). "
                + "The account comes from the pinned account "
                + "(COFFER_AWS_EXPECTED_ACCOUNT_ID), else from the credentials' identity; what stays unknown is written as *."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coffer policy > runtime-policy.json       what serve needs",
            "  coffer policy --for provision             what init needs",
            "  coffer policy --per-user-scope --identity-variable cognito"})
final class PolicyCommand implements Callable<Integer> {
    enum Purpose { runtime, provision }

    enum Variable { principal_tag, cognito }

    @Mixin
    HelpOption help;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--for", paramLabel = "PURPOSE", defaultValue = "runtime",
            description = "runtime (what serve needs, default) or provision (what init needs).")
    Purpose purpose;

    @Option(names = "--per-user-scope", description = "Statements scoped to one user's partition and folder, for credentials handed to users.")
    boolean perUserScope;

    // $$ keeps picocli from reading ${...} as one of its own variables.
    @Option(names = "--identity-variable", paramLabel = "VARIABLE", defaultValue = "principal_tag",
            description = "With --per-user-scope: principal_tag ($${aws:PrincipalTag/user_id}, default) or cognito "
                    + "($${cognito-identity.amazonaws.com:sub}).")
    Variable variable;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(false, "error");
        var loaded = configOptions.loadOrReport(Map.of());
        if (loaded.isEmpty()) {
            return Main.EXIT_CONFIG;
        }
        CofferConfig config = loaded.get();
        var targets = PolicyTargets.of(config, CofferServer.tables(config), account(config));
        var generator = new PolicyGenerator(targets);
        ObjectNode policy;
        if (perUserScope) {
            policy = generator.perUser(variable == Variable.cognito ? PolicyGenerator.UserVariable.COGNITO
                    : PolicyGenerator.UserVariable.PRINCIPAL_TAG);
        } else {
            policy = purpose == Purpose.provision ? generator.provision() : generator.runtime();
        }
        generator.notes().forEach(note -> System.err.println("# " + note));
        System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(policy));
        return Main.EXIT_OK;
    }

    /**
     * The pinned account, else the caller identity's when credentials answer (one STS call), else
     * none: the generator writes a wildcard and says why on stderr.
     */
    private static Optional<String> account(CofferConfig config) {
        if (config.aws().expectedAccountId().isPresent() || config.local()) {
            return config.aws().expectedAccountId();
        }
        try (Credentials credentials = Credentials.open(config, Clock.systemUTC(), SdkHttpClients.apache(),
                Credentials.Verification.BY_CALLER)) {
            return Optional.of(credentials.verifyIdentity(config.aws().expectedAccountId()).account());
        } catch (CofferException e) {
            System.err.println("# caller identity unknown (" + e.oneLine() + ")");
            return Optional.empty();
        }
    }
}
