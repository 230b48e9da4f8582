package dev.coffer.bench;

import dev.coffer.local.EmbeddedServers;
import java.nio.file.Path;

/**
 * The embedded default's floor, run in a JVM of its own by {@link FloorBench}: DynamoDB Local and
 * S3Proxy started exactly as {@code coffer serve} starts them ({@link EmbeddedServers}, on disk,
 * both at once), and nothing of Coffer. Prints {@code ready} when both listen, makes the full
 * collection that serve makes once its start-up work is done, then idles until killed; with a
 * second argument it stops after that many milliseconds instead (the class-data cache's training run).
 */
public final class EmbeddedServersAlone {
    private EmbeddedServersAlone() {
    }

    public static void main(String[] args) throws Exception {
        dev.coffer.support.logging.LogSetup.configure(false, "warn");
        EmbeddedServers servers = EmbeddedServers.onDisk(Path.of(args[0])).start(args[0]);
        System.out.println("ready " + servers.dynamoDb().endpoint() + " " + servers.s3().endpoint());
        System.out.flush();
        System.gc();
        Thread.sleep(args.length > 1 ? Long.parseLong(args[1]) : Long.MAX_VALUE);
        servers.close();
    }
}
