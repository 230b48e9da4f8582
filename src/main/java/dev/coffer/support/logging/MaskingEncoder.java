package dev.coffer.support.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/** Wraps another encoder (text pattern or JSON) and masks secrets in what it produces. */
public final class MaskingEncoder extends EncoderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> delegate;

    public MaskingEncoder(Encoder<ILoggingEvent> delegate) {
        this.delegate = delegate;
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] raw = delegate.encode(event);
        String line = new String(raw, StandardCharsets.UTF_8);
        String masked = SecretMasker.mask(line);
        // Nothing masked (mask returns the very string it was given): the encoded bytes stand.
        return masked == line ? raw : masked.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }

    @Override
    public void start() {
        delegate.start();
        super.start();
    }
}
