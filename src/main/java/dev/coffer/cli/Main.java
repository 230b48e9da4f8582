package dev.coffer.cli;

import dev.coffer.app.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code coffer}: the command-line entry point. Exit codes: 0 ok, 1 failure, 2 bad configuration
 * or usage, 3 credentials refused. Every command answers {@code --help} (and {@code coffer help
 * COMMAND}) with its options and examples; a mistyped option or command is one line naming the
 * nearest valid one ({@link UsageErrors}).
 */
@Command(name = "coffer", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Self-hosted per-user data backend: records in DynamoDB, files in S3.",
        subcommands = {ServeCommand.class, InitCommand.class, DoctorCommand.class, PolicyCommand.class, WhoamiCommand.class, KeysCommand.class,
            AdminCommand.class, UsageCommand.class,
            VersionCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  coffer serve                  run on the embedded default (no AWS needed)",
            "  coffer init --dry-run         show the tables and bucket Coffer would create",
            "  coffer doctor                 check a deployment, one line per check",
            "  coffer admin create EMAIL     an operator for the console at /console/",
            "  coffer help serve             the options and examples of one command",
            "                                (the same as: coffer serve --help)",
            "",
            "Configuration: coffer.toml (--config), .env (--env-file), the environment,",
            "then flags, in rising precedence; README.md lists every key and env name."})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_CONFIG = 2;
    public static final int EXIT_CREDENTIALS = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree, as {@link #run} executes it (tests walk it). */
    static CommandLine commandLine() {
        var cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(new UsageErrors());
        // picocli's own help command: give it examples like every other command.
        cli.getSubcommands().get("help").getCommandSpec().usageMessage()
                .footerHeading("%nExamples:%n")
                .footer("  coffer help serve", "  coffer help keys");
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"coffer " + Version.current()};
        }
    }
}
