package dev.coffer.testing;

import dev.coffer.support.logging.LogSetup;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures everything Coffer logs (at debug level, through the same masking encoder as
 * production) so tests can assert that no secret ever reaches a log line. Beside the configured
 * logging, not instead of it, and gone when closed.
 */
public final class LogCapture implements AutoCloseable {
    static {
        // The JVM logs through the production set-up (masked, to stderr), not the bootstrap
        // logback.xml, unless something (a harness's quiet console, a command) configured it already.
        if (!LogSetup.configured()) {
            LogSetup.configure(false, "info");
        }
    }

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Runnable stopCapture;

    private LogCapture(boolean json) {
        stopCapture = LogSetup.capture(json, buffer);
    }

    public static LogCapture start() {
        return new LogCapture(false);
    }

    public static LogCapture startJson() {
        return new LogCapture(true);
    }

    public synchronized String text() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stopCapture.run();
    }
}
