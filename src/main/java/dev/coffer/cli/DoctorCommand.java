package dev.coffer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.app.CofferServer;
import dev.coffer.backends.Backends;
import dev.coffer.credentials.Credentials;
import dev.coffer.config.CofferConfig;
import dev.coffer.config.ConfigException;
import dev.coffer.config.ConfigLoader;
import dev.coffer.doctor.CheckResult;
import dev.coffer.doctor.Doctor;
import dev.coffer.error.CofferException;
import dev.coffer.support.Json;
import dev.coffer.support.logging.LogSetup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "doctor",
        description = {"Check everything a deployment needs, one line per check.",
            "Configuration, credentials, expiry, identity, clock, region, tables, bucket and every runtime permission "
                + "(probed harmlessly). Exit 0 when fit to serve, 1 when not."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coffer doctor",
            "  coffer doctor --config coffer.toml --env-file prod.env",
            "  coffer doctor --json | jq '.checks[] | select(.status == \"fail\")'"})
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--json", description = "Machine-readable output for CI pipelines: fit_to_serve and one object per check.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(false, "error");
        List<CheckResult> results = new ArrayList<>();
        CofferConfig config;
        List<CheckResult> warnings = new ArrayList<>();
        try {
            ConfigLoader.Loaded loaded = configOptions.load(Map.of());
            config = loaded.config();
            loaded.warnings().forEach(w -> warnings.add(new CheckResult.Warned("config", w.message())));
        } catch (ConfigException e) {
            results.add(new CheckResult.Failed("config", "config_invalid", e.getMessage(), "correct the value named"));
            return print(results);
        }
        // The credentials are opened unchecked: the identity check is one of doctor's own lines.
        try (Backends backends = Backends.open(config, Clock.systemUTC(), Credentials.Verification.BY_CALLER)) {
            results.addAll(new Doctor(Clock.systemUTC()).run(backends, CofferServer.tables(backends.config())));
        } catch (CofferException e) {
            results.add(new CheckResult.Ok("config", config.local() ? "embedded default" : "remote"));
            results.add(new CheckResult.Failed("credentials", e.code().code(), e.detail(), e.fix().orElse(null)));
        }
        // Right under the configuration's own line.
        int configLine = results.stream().map(CheckResult::check).toList().indexOf("config");
        results.addAll(configLine + 1, warnings);
        return print(results);
    }

    private int print(List<CheckResult> results) throws Exception {
        boolean fit = Doctor.fit(results);
        if (json) {
            ObjectNode root = Json.mapper().createObjectNode();
            root.put("fit_to_serve", fit);
            ArrayNode checks = root.putArray("checks");
            results.forEach(r -> {
                ObjectNode node = Json.mapper().valueToTree(r);
                node.put("status", r.status());
                checks.add(node);
            });
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            results.forEach(r -> System.out.println(r.line()));
            System.out.println(fit ? "fit to serve" : "NOT fit to serve: fix the FAIL lines above");
        }
        return fit ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }
}
