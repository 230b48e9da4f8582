package dev.coffer.cli;

import dev.coffer.app.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "version", description = "Print Coffer's version and the Java it runs on.",
        footerHeading = "%nExamples:%n",
        footer = {"  coffer version", "  coffer --version              the version alone"})
final class VersionCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Override
    public Integer call() {
        System.out.println("coffer " + Version.current() + " (Java " + Runtime.version() + ")");
        return Main.EXIT_OK;
    }
}
