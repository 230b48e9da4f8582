package dev.coffer.support.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The access log builds its key-value fields only while a JSON appender writes them: a JSON
 * capture must turn that on, and closing it must give back what was there before.
 */
class KeyValuesWrittenTest {
    @Test
    void jsonCapture_turnsKeyValuesOn_untilClosed() {
        boolean before = LogSetup.keyValuesWritten();
        Runnable stop = LogSetup.capture(true, new ByteArrayOutputStream());
        try {
            assertThat(LogSetup.keyValuesWritten()).isTrue();
        } finally {
            stop.run();
        }
        assertThat(LogSetup.keyValuesWritten()).isEqualTo(before);
    }
}
