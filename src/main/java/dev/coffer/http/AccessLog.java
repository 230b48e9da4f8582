package dev.coffer.http;

import dev.coffer.support.logging.LogSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The access log: one line per answered request on the {@code coffer.access} logger, built from
 * the same {@link CompletedRequest} metrics see. The message is the human line
 * ({@code GET /path 200 1.2ms id=... client=...}); the fields ride along as SLF4J key-value pairs
 * under Elastic Common Schema names, which the text format leaves out and the JSON format writes
 * as top-level fields (see README, Logs). Never the query string, headers or bodies: those are
 * where tokens and keys travel.
 */
final class AccessLog implements RequestObserver {
    static final String LOGGER = "coffer.access";
    private static final Logger ACCESS = LoggerFactory.getLogger(LOGGER);

    @Override
    public void completed(CompletedRequest request) {
        // Checked first: the fields cost more than the check when the line is off.
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        String millis = HttpServer.tenthsOfMillis(request.durationNanos());
        if (!LogSetup.keyValuesWritten()) {
            // The text format writes the message only: the fields would be built for nothing.
            ACCESS.info("{} {} {} {}ms id={} client={}", request.method(), request.path(), request.status(), millis,
                    request.requestId(), request.clientAddress());
            return;
        }
        LoggingEventBuilder line = ACCESS.atInfo()
                .addKeyValue("http.request.method", request.method())
                .addKeyValue("url.path", request.path());
        if (request.route().isPresent()) {
            line = line.addKeyValue("http.route", request.route().get());
        }
        line = line.addKeyValue("http.response.status_code", request.status())
                .addKeyValue("duration_ms", request.durationMillis())
                .addKeyValue("event.duration", request.durationNanos())
                .addKeyValue("http.request.id", request.requestId())
                .addKeyValue("client.ip", request.clientAddress());
        if (request.caller().isPresent()) {
            line = line.addKeyValue("user.id", request.caller().get().userId().value());
        }
        if (request.error().isPresent()) {
            line = line.addKeyValue("error.code", request.error().get().code());
        }
        line.log("{} {} {} {}ms id={} client={}", request.method(), request.path(), request.status(), millis,
                request.requestId(), request.clientAddress());
    }
}
