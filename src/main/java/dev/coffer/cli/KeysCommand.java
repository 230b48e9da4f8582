package dev.coffer.cli;

import dev.coffer.auth.ServiceKeyMaker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "keys", description = "Service keys for back ends that act for their users.", subcommands = KeysCommand.New.class,
        footerHeading = "%nExamples:%n",
        footer = {"  coffer keys new"})
final class KeysCommand extends CommandGroup {

    @Command(name = "new",
            description = {"Print a fresh service key and its SHA-256 hash.",
                "Give the key to the back end; configure only the hash, in COFFER_SERVICE_KEYS (optionally as name=hash)."},
            footerHeading = "%nExamples:%n",
            footer = {"  coffer keys new",
                "  COFFER_SERVICE_KEYS=billing=<hash> coffer serve"})
    static final class New implements Callable<Integer> {
        @Mixin
        HelpOption help;

        @Override
        public Integer call() {
            String[] keyAndHash = ServiceKeyMaker.generate();
            System.out.println("key:  " + keyAndHash[0]);
            System.out.println("hash: " + keyAndHash[1]);
            System.out.println("Give the key to the back end (Authorization: Bearer <key>, with X-Coffer-User: <user id>);");
            System.out.println("configure only the hash: COFFER_SERVICE_KEYS=" + keyAndHash[1]);
            return Main.EXIT_OK;
        }
    }
}
