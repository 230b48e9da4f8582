package dev.coffer.local;

import java.net.URI;
import java.nio.file.Path;

/** Claims a data folder in a JVM of its own, for DataFolderLockTest to find and kill: prints "claimed", then waits. */
final class DataFolderLockChild {
    private DataFolderLockChild() {
    }

    public static void main(String[] args) throws Exception {
        var claim = DataFolderLock.claim(Path.of(args[0]));
        if (!(claim instanceof DataFolderLock.Claimed claimed)) {
            System.out.println("in use");
            return;
        }
        claimed.lock().publish(URI.create("http://127.0.0.1:4566"), URI.create("http://127.0.0.1:4567"));
        System.out.println("claimed");
        System.out.flush();
        Thread.currentThread().join();
    }
}
