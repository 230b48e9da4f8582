package dev.coffer.support;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Coffer's background threads come from: each named {@code coffer-<name>}, a daemon (it
 * never keeps the JVM alive), and with an uncaught-exception handler that logs instead of letting
 * a thread die silently. Request handling runs on the HTTP server's own threads, not these.
 */
public final class BackgroundExecutors {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundExecutors.class);

    private BackgroundExecutors() {
    }

    /**
     * One thread for periodic work named {@code name}; the caller shuts it down. Tasks that
     * throw are not run again (the JDK's contract), so periodic tasks catch their own failures.
     */
    public static ScheduledExecutorService scheduled(String name) {
        var executor = new ScheduledThreadPoolExecutor(1, threads(name));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    private static ThreadFactory threads(String name) {
        return Thread.ofPlatform().name("coffer-" + name).daemon(true)
                .uncaughtExceptionHandler((thread, e) -> LOG.error("background thread {} failed", thread.getName(), e)).factory();
    }
}
