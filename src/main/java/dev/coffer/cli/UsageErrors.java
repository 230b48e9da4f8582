package dev.coffer.cli;

import dev.coffer.support.Spelling;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Renders a command-line mistake as one line on stderr, exit code 2: the command, what was wrong,
 * the nearest valid option or subcommand when one is close, and where the full list is, e.g.
 * {@code coffer serve: unknown option '--prot'; did you mean --port? See 'coffer serve --help'.}
 * (picocli's default prints the whole usage after the error, which pushes the error off screen.)
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(message(e));
        err.flush();
        return Main.EXIT_CONFIG;
    }

    static String message(ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        String name = spec.qualifiedName();
        String help = " See '" + name + " --help'.";
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            List<String> args = unmatched.getUnmatched();
            Optional<String> option = args.stream().filter(a -> a.startsWith("-")).findFirst();
            if (option.isPresent()) {
                String given = option.get().contains("=") ? option.get().substring(0, option.get().indexOf('=')) : option.get();
                return name + ": unknown option '" + given + "'" + didYouMean(given, optionNames(spec)) + help;
            }
            String first = args.get(0);
            if (!spec.subcommands().isEmpty()) {
                return name + ": unknown command '" + first + "'" + didYouMean(first, spec.subcommands().keySet()) + help;
            }
            return name + ": unexpected argument '" + first + "' (this command takes options only)." + help;
        }
        String reason = e.getMessage().strip();
        reason = Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        return name + ": " + (reason.endsWith(".") ? reason : reason + ".") + help;
    }

    /** "; did you mean X?" when a candidate is close, else the full stop that ends the sentence. */
    private static String didYouMean(String given, java.util.Collection<String> candidates) {
        return Spelling.closest(given, candidates).map(s -> "; did you mean " + s + "?").orElse(".");
    }

    private static List<String> optionNames(CommandSpec spec) {
        var names = new ArrayList<String>();
        for (OptionSpec option : spec.options()) {
            if (!option.hidden()) {
                names.addAll(List.of(option.names()));
            }
        }
        return names;
    }
}
