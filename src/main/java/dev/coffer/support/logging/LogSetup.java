package dev.coffer.support.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.OutputStream;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback in code (one place, no XML to keep in sync): human-readable lines or JSON
 * lines, always through {@link MaskingEncoder}, and quiet third-party loggers.
 */
public final class LogSetup {
    /** Whether the main appender writes JSON (set by {@link #configure}). */
    private static volatile boolean mainJson;
    /** JSON appenders added by {@link #capture} and not yet removed. */
    private static final java.util.concurrent.atomic.AtomicInteger JSON_CAPTURES = new java.util.concurrent.atomic.AtomicInteger();

    private LogSetup() {
    }

    /**
     * True when some appender writes an event's SLF4J key-value pairs (a JSON one); the text
     * format leaves them out, so a caller may skip building them (the access log does, on every
     * request).
     */
    public static boolean keyValuesWritten() {
        return mainJson || JSON_CAPTURES.get() > 0;
    }

    public static void configure(boolean json, String level) {
        configure(json, level, null);
    }

    /** With {@code out} non-null, logs go there instead of stderr. */
    public static void configure(boolean json, String level, OutputStream out) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        OutputStreamAppender<ILoggingEvent> appender = appender(context, json, out, "main");
        mainJson = json;
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender((Appender<ILoggingEvent>) appender);
        context.getLogger("dev.coffer").setLevel(Level.toLevel(level, Level.INFO));
        context.getLogger("coffer.access").setLevel(Level.toLevel(level, Level.INFO));
        // DynamoDB Local and S3Proxy are chatty at INFO; their problems still show at WARN.
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger("com.almworks.sqlite4java").setLevel(Level.ERROR);
        // DynamoDB Local logs every client error (e.g. DescribeTable on a missing table) as a warning.
        context.getLogger("software.amazon.dynamodb").setLevel(Level.ERROR);
    }

    /** True once {@link #configure} has run in this JVM (before, the bootstrap logback.xml applies). */
    public static boolean configured() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("main") != null;
    }

    /**
     * Copies everything Coffer logs (debug and up), rendered as production renders it (text or
     * JSON, masked), to {@code out} beside the configured appenders, until the returned action is
     * run. Tests use it; unlike {@link #configure} it never resets Logback, so it cannot race
     * with a log call in flight on another thread.
     */
    public static Runnable capture(boolean json, OutputStream out) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        OutputStreamAppender<ILoggingEvent> appender = appender(context, json, out, "capture");
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger coffer = context.getLogger("dev.coffer");
        Logger access = context.getLogger("coffer.access");
        Level cofferLevel = coffer.getLevel();
        Level accessLevel = access.getLevel();
        coffer.setLevel(Level.DEBUG);
        access.setLevel(Level.DEBUG);
        if (json) {
            JSON_CAPTURES.incrementAndGet();
        }
        root.addAppender((Appender<ILoggingEvent>) appender);
        return () -> {
            root.detachAppender((Appender<ILoggingEvent>) appender);
            if (json) {
                JSON_CAPTURES.decrementAndGet();
            }
            appender.stop();
            coffer.setLevel(cofferLevel);
            access.setLevel(accessLevel);
        };
    }

    /**
     * One JSON object per line with Elastic Common Schema names: {@code @timestamp} (UTC),
     * {@code log.level}, {@code log.logger}, {@code message}, {@code process.thread.name},
     * {@code error.stack_trace}, {@code ecs.version}, and every SLF4J key-value pair of the event
     * as a top-level field (the access log's {@code http.*}, {@code url.path}, {@code user.id} ...).
     * Dotted names are written flat, as ECS's own logging libraries do.
     */
    private static Encoder<ILoggingEvent> ecsJson() {
        var encoder = new LogstashEncoder();
        LogstashFieldNames names = encoder.getFieldNames();
        names.setTimestamp("@timestamp");
        names.setLevel("log.level");
        names.setLogger("log.logger");
        names.setThread("process.thread.name");
        names.setStackTrace("error.stack_trace");
        names.setVersion("[ignore]");
        names.setLevelValue("[ignore]");
        encoder.setTimeZone("UTC");
        encoder.setCustomFields("{\"ecs.version\":\"" + ECS_VERSION + "\"}");
        encoder.setIncludeContext(false);
        encoder.setIncludeMdc(false);
        encoder.setIncludeKeyValuePairs(true);
        return encoder;
    }

    /** The ECS version whose field names the JSON lines follow. */
    public static final String ECS_VERSION = "8.11.0";

    private static OutputStreamAppender<ILoggingEvent> appender(LoggerContext context, boolean json, OutputStream out, String name) {
        Encoder<ILoggingEvent> inner;
        if (json) {
            inner = ecsJson();
        } else {
            var encoder = new PatternLayoutEncoder();
            encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n%ex{short}");
            inner = encoder;
        }
        inner.setContext(context);
        var masking = new MaskingEncoder(inner);
        masking.setContext(context);
        masking.start();
        OutputStreamAppender<ILoggingEvent> appender;
        if (out == null) {
            var console = new ConsoleAppender<ILoggingEvent>();
            console.setTarget("System.err");
            appender = console;
        } else {
            appender = new OutputStreamAppender<>();
            appender.setOutputStream(out);
        }
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(masking);
        appender.start();
        return appender;
    }
}
