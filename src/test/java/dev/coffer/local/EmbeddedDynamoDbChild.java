package dev.coffer.local;

import java.nio.file.Path;

/** DynamoDB Local on disk in a JVM of its own, for EmbeddedDynamoDbTest to kill: prints its endpoint, then waits. */
final class EmbeddedDynamoDbChild {
    private EmbeddedDynamoDbChild() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedDynamoDb ddb = EmbeddedDynamoDb.onDisk(Path.of(args[0]));
        System.out.println(ddb.start());
        System.out.flush();
        Thread.currentThread().join();
    }
}
