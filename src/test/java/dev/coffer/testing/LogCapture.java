package dev.coffer.testing;

import dev.coffer.support.logging.LogSetup;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures everything Coffer logs (at debug level, through the same masking encoder as
 * production) so tests can assert that no secret ever reaches a log line. Restores stderr
 * logging when closed.
 */
public final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    private LogCapture(boolean json) {
        LogSetup.configure(json, "debug", buffer);
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
        LogSetup.configure(false, "info");
    }
}
