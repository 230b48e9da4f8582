package dev.coffer.cli;

import dev.coffer.app.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code coffer}: the command-line entry point. Exit codes: 0 ok, 1 failure, 2 bad configuration or usage, 3 credentials refused. */
@Command(name = "coffer", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Self-hosted per-user data backend: records in DynamoDB, files in S3.",
        subcommands = {ServeCommand.class, InitCommand.class, DoctorCommand.class, PolicyCommand.class, WhoamiCommand.class, KeysCommand.class,
            VersionCommand.class})
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
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
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
