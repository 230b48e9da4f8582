package dev.coffer.cli;

import dev.coffer.app.CofferServer;
import dev.coffer.auth.AdminAccounts;
import dev.coffer.backends.Backends;
import dev.coffer.config.CofferConfig;
import dev.coffer.credentials.Credentials;
import dev.coffer.error.CofferException;
import dev.coffer.identity.Admin;
import dev.coffer.provision.Provisioner;
import dev.coffer.support.logging.LogSetup;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "admin", description = "Console admins: operators who log in at /console/ (apart from the app's users).",
        subcommands = AdminCommand.Create.class,
        footerHeading = "%nExamples:%n",
        footer = {"  coffer admin create ops@example.com"})
final class AdminCommand extends CommandGroup {

    @Command(name = "create",
            description = {"Create a console admin in the auth table; asks for the password (twice), or reads one line from stdin "
                + "with --password-stdin.",
                "The password follows the app's rules (auth.password_min_length, auth.password_max_length). On the embedded "
                    + "default, beside a running coffer serve, it uses that server's embedded DynamoDB Local."},
            footerHeading = "%nExamples:%n",
            footer = {"  coffer admin create ops@example.com",
                "  echo \"$ADMIN_PASSWORD\" | coffer admin create ops@example.com --password-stdin",
                "  then open http://127.0.0.1:8080/console/ and log in"})
    static final class Create implements Callable<Integer> {
        @Mixin
        HelpOption help;

        @Mixin
        ConfigOptions configOptions = new ConfigOptions();

        @Parameters(index = "0", paramLabel = "EMAIL", description = "The address the admin logs in with.")
        String email;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin (scripts, CI).")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            LogSetup.configure(false, "warn");
            var loaded = configOptions.loadOrReport(Map.of());
            if (loaded.isEmpty()) {
                return Main.EXIT_CONFIG;
            }
            String password;
            try {
                password = passwordStdin ? fromStdin() : prompt();
            } catch (IllegalStateException e) {
                System.err.println("coffer: admin create: " + e.getMessage());
                return Main.EXIT_CONFIG;
            }
            CofferConfig config = loaded.get();
            try (Backends backends = Backends.open(config, java.time.Clock.systemUTC(), Credentials.Verification.AS_CONFIGURED)) {
                CofferConfig effective = backends.config();
                if (effective.provisionOnStart()) {
                    // The same tables serve would create at start-up: an admin can be the first thing made.
                    Provisioner.of(backends).applyOrRefuse(CofferServer.tables(effective), effective.storage());
                }
                Admin admin = AdminAccounts.open(effective, backends.dynamoDb(), java.time.Clock.systemUTC()).create(email, password);
                System.out.println("created admin " + admin.email() + " (id " + admin.id() + ")");
                System.out.println("log in at http://" + effective.server().host() + ":" + effective.server().port() + "/console/");
                return Main.EXIT_OK;
            } catch (CofferException e) {
                System.err.println("coffer: admin create failed: " + e.oneLine());
                return ServeCommand.exitCodeFor(e);
            }
        }

        private static String fromStdin() throws IOException {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalStateException("--password-stdin read no password (an empty first line)");
            }
            return line;
        }

        private static String prompt() {
            Console console = System.console();
            if (console == null) {
                throw new IllegalStateException("no terminal to ask for the password: pipe it with --password-stdin");
            }
            char[] first = console.readPassword("password for the new admin: ");
            char[] again = console.readPassword("the same password again: ");
            try {
                if (first == null || again == null || !Arrays.equals(first, again)) {
                    throw new IllegalStateException("the two passwords differ; nothing was created");
                }
                return new String(first);
            } finally {
                if (first != null) {
                    Arrays.fill(first, '\0');
                }
                if (again != null) {
                    Arrays.fill(again, '\0');
                }
            }
        }
    }
}
