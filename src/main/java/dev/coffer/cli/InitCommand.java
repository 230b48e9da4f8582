package dev.coffer.cli;

import dev.coffer.app.CofferServer;
import dev.coffer.backends.Backends;
import dev.coffer.config.CofferConfig;
import dev.coffer.credentials.Credentials;

import dev.coffer.error.CofferException;
import dev.coffer.provision.PlanStep;
import dev.coffer.provision.Provisioner;
import dev.coffer.support.logging.LogSetup;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init",
        description = {"Create the missing tables and bucket, printing the plan first.",
            "Tables get their keys, indexes, TTL and on-demand billing; the bucket default encryption and Block Public "
                + "Access. Idempotent; never changes what exists. Exit 1 when an existing table or bucket differs from "
                + "the configuration (each difference is printed)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coffer init --dry-run                 print the plan, change nothing",
            "  coffer init --config coffer.toml      create what the configuration declares",
            "  coffer policy --for provision         the IAM policy init needs"})
final class InitCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--dry-run", description = "Print the plan only; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(false, "warn");
        PrintStream out = System.out;
        var loaded = configOptions.loadOrReport(Map.of());
        if (loaded.isEmpty()) {
            return Main.EXIT_CONFIG;
        }
        CofferConfig config = loaded.get();
        try (Backends backends = Backends.open(config, java.time.Clock.systemUTC(), Credentials.Verification.AS_CONFIGURED)) {
            CofferConfig effective = backends.config();
            var provisioner = Provisioner.of(backends);
            // The same plan serve carries out at start-up (provision.on_start).
            List<PlanStep> plan = provisioner.plan(CofferServer.tables(effective), effective.storage());
            out.println("plan (" + (effective.local() ? "embedded default in " + effective.dataDir() : "region "
                    + effective.aws().region()) + "):");
            plan.forEach(step -> out.println((step.changes() ? "  + " : "  = ") + step.describe()));
            long changes = plan.stream().filter(PlanStep::changes).count();
            if (dryRun) {
                out.println("dry run: " + changes + " change(s) planned, nothing done");
                return Main.EXIT_OK;
            }
            provisioner.apply(plan);
            out.println(changes == 0 ? "nothing to do" : "done: " + changes + " change(s) made");
            boolean differs = plan.stream().anyMatch(PlanStep::differs);
            return differs ? Main.EXIT_FAILURE : Main.EXIT_OK;
        } catch (CofferException e) {
            System.err.println("coffer: init failed: " + e.oneLine());
            return ServeCommand.exitCodeFor(e);
        }
    }
}
