package dev.coffer.cli;

import dev.coffer.app.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print Coffer's version.")
final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("coffer " + Version.current() + " (Java " + Runtime.version() + ")");
        return Main.EXIT_OK;
    }
}
