package dev.coffer.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One in-process run of the command line, with what it printed on stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code coffer args...}; swaps System.out/err for the run, so tests using it must not run in parallel. */
    static CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * Runs {@code coffer command --config FILE --env-file EMPTY extra...} on the embedded default
     * with its data under {@code dir} and the users table named {@code usersTable}.
     */
    static CliRun onEmbeddedDefault(Path dir, String usersTable, String command, String... extra) throws IOException {
        Path toml = dir.resolve("coffer.toml");
        Files.writeString(toml, "[local]\ndata_dir = \"" + dir.resolve("data") + "\"\n[dynamodb]\nusers_table = \"" + usersTable + "\"\n");
        Path env = dir.resolve("empty.env");
        Files.writeString(env, "");
        var args = new ArrayList<String>(List.of(command, "--config", toml.toString(), "--env-file", env.toString()));
        args.addAll(List.of(extra));
        return of(args.toArray(String[]::new));
    }
}
