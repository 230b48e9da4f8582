package dev.coffer.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code coffer admin}, {@code coffer keys}): called
 * alone, it prints its usage, which lists them, rather than doing something by default.
 */
abstract class CommandGroup implements Runnable {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
