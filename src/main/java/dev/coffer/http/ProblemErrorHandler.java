package dev.coffer.http;

import dev.coffer.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the routes (headers too large, a request
 * line it cannot parse, a bad URI), as problem JSON too. Deliberately writes our own message
 * rather than Jetty's, which may quote the offending bytes.
 */
final class ProblemErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int code = response.getStatus();
        if (request.getAttribute(ERROR_STATUS) instanceof Integer status) {
            code = status;
        }
        write(response, code, callback);
        return true;
    }

    /** The problem code for an HTTP status Jetty chose. */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.OVERLOADED;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        };
    }

    private static void write(Response response, int code, Callback callback) {
        ErrorCode errorCode = codeFor(code);
        String detail = switch (code) {
            case 431 -> "the request headers are too large";
            case 414 -> "the request URI is too long";
            case 400 -> "the request could not be parsed";
            default -> errorCode.title().toLowerCase(java.util.Locale.ROOT);
        };
        String json = "{\"type\":\"" + Problem.typeFor(errorCode.code()) + "\",\"title\":\"" + errorCode.title()
                + "\",\"status\":" + code + ",\"detail\":\"" + detail + "\",\"code\":\"" + errorCode.code() + "\"}";
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
