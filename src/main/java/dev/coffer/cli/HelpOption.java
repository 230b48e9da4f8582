package dev.coffer.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} for a subcommand. Only help, not picocli's standard {@code --version} too:
 * the version is {@code coffer --version} and {@code coffer version}, once.
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help (options and examples) and exit.")
    boolean help;
}
