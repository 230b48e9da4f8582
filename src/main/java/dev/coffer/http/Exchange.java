package dev.coffer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its answer, as the feature routes see them. The status, headers and a small
 * body are kept until the route returns and then written in one go; a route that streams takes
 * {@link #output()}, which sends the status and headers at once. Owned by {@link HttpServer}, which
 * makes one per request and finishes it.
 */
public final class Exchange {
    /** The most of an unread request body read and dropped before answering (see drainRequestBody). */
    private static final long DRAIN_LIMIT_BYTES = 8L * 1024 * 1024;
    private final Request request;
    private final Response response;
    private final String requestId;
    private final long startedNanos;
    private final String clientAddress;
    private Map<String, String> pathParams = Map.of();
    private Fields query;
    private int status = 200;
    private byte[] body;
    private OutputStream output;
    private String route;
    private dev.coffer.identity.Caller caller;
    private dev.coffer.error.ErrorCode error;

    Exchange(Request request, Response response, String requestId, long startedNanos, String clientAddress) {
        this.request = request;
        this.response = response;
        this.requestId = requestId;
        this.startedNanos = startedNanos;
        this.clientAddress = clientAddress;
    }

    void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    void route(String pattern) {
        this.route = pattern;
    }

    void caller(dev.coffer.identity.Caller verified) {
        this.caller = verified;
    }

    void error(dev.coffer.error.ErrorCode code) {
        this.error = code;
    }

    /** What the edge tells its observers once the answer is decided. */
    CompletedRequest completed(long nowNanos) {
        return new CompletedRequest(method(), java.util.Optional.ofNullable(route), path(), status,
                nowNanos - startedNanos, requestId, clientAddress, java.util.Optional.ofNullable(caller),
                java.util.Optional.ofNullable(error));
    }

    public String method() {
        return request.getMethod();
    }

    /** The path as the client sent it, still percent-encoded. */
    public String path() {
        return request.getHttpURI().getPath();
    }

    public String requestId() {
        return requestId;
    }

    long startedNanos() {
        return startedNanos;
    }

    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /** The value of the request's cookie {@code name}, or null. */
    public String cookie(String name) {
        try {
            for (var cookie : Request.getCookies(request)) {
                if (cookie.getName().equals(name)) {
                    return cookie.getValue();
                }
            }
        } catch (RuntimeException malformed) {
            // A Cookie header Jetty cannot parse names no session.
        }
        return null;
    }

    /** Adds a response header (one more Set-Cookie, say) next to any of the same name. */
    public Exchange addHeader(String name, String value) {
        response.getHeaders().add(name, value);
        return this;
    }

    /** Sets (replaces) a response header. */
    public Exchange header(String name, String value) {
        response.getHeaders().put(name, value);
        return this;
    }

    public Exchange status(int status) {
        this.status = status;
        return this;
    }

    public int status() {
        return status;
    }

    /** The request's media type with its parameters, or null. */
    public String contentType() {
        return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    }

    /** The declared request body length, or -1 when the client did not declare one. */
    public long contentLength() {
        return request.getLength();
    }

    public InputStream body() {
        return Content.Source.asInputStream(request);
    }

    /**
     * The client's address: the socket peer, or the address a trusted proxy says it received the
     * request from ({@link TrustedProxies}). Never a string the client chose.
     */
    public String remoteAddress() {
        return clientAddress;
    }

    /** A {@code {name}} path parameter, decoded strictly ({@link PathDecoding}). */
    public String pathParam(String name) {
        String raw = pathParams.get(name);
        if (raw == null) {
            throw new IllegalArgumentException("no path parameter " + name);
        }
        return PathDecoding.strict(raw);
    }

    /** A path parameter as the client sent it, still percent-encoded (for a {@code <rest>} the route decodes itself). */
    public String rawPathParam(String name) {
        String raw = pathParams.get(name);
        if (raw == null) {
            throw new IllegalArgumentException("no path parameter " + name);
        }
        return raw;
    }

    /** The first value of a query parameter, decoded, or null. */
    public String queryParam(String name) {
        return query().getValue(name);
    }

    public Map<String, List<String>> queryParamMap() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        query().forEach(field -> out.put(field.getName(), field.getValues()));
        return out;
    }

    private Fields query() {
        if (query == null) {
            try {
                query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                throw new CofferException(ErrorCode.BAD_REQUEST, "the query string is not valid");
            }
        }
        return query;
    }

    /** Answers with {@code value} as JSON. */
    public Exchange json(Object value) {
        try {
            return result(Json.mapper().writeValueAsBytes(value), "application/json");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
    }

    public Exchange result(byte[] bytes, String mediaType) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, mediaType);
        this.body = bytes;
        return this;
    }

    /** Sends the status and headers now and gives the body's stream; {@link HttpServer} closes it. */
    public OutputStream output() {
        if (output == null) {
            response.setStatus(status);
            output = Content.Sink.asOutputStream(response);
        }
        return output;
    }

    /** True once the status and headers are on their way: no other answer can replace this one. */
    boolean committed() {
        return response.isCommitted();
    }

    /**
     * Writes what the route left and completes the exchange. A request that may not wait for its
     * body (it holds no API slot, or its body came too slowly) is not drained: if it has a body,
     * the answer says the connection closes instead.
     */
    void finish(Callback callback, boolean mayWaitForBody) {
        if (output != null) {
            try {
                output.close();
            } catch (IOException e) {
                callback.failed(e);
                return;
            } catch (UncheckedIOException e) {
                callback.failed(e.getCause());
                return;
            }
            callback.succeeded();
            return;
        }
        if (mayWaitForBody) {
            drainRequestBody();
        } else if (hasBody(request)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.setStatus(status);
        response.write(true, body == null ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body), callback);
    }

    /** True when the request declares a body (HTTP/1.1: a non-zero Content-Length, or Transfer-Encoding). */
    static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /**
     * Reads what is left of a request body the route did not read (one refused before its body,
     * e.g. 413 on the declared length). A client still sending when the server closes gets a TCP
     * reset that can swallow the answer, so up to {@link #DRAIN_LIMIT_BYTES} is read and dropped;
     * beyond that the answer says the connection closes.
     */
    private void drainRequestBody() {
        long declared = request.getLength();
        // A client that asked "Expect: 100-continue" sends its body only when told to, which
        // reading it here would do: answering without reading spares it the upload.
        if (declared == 0 || request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
            return;
        }
        if (declared > DRAIN_LIMIT_BYTES) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            return;
        }
        try {
            InputStream in = body();
            if (in.skip(DRAIN_LIMIT_BYTES) >= DRAIN_LIMIT_BYTES && in.read() >= 0) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
        } catch (IOException | RuntimeException e) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /**
     * Forgets the answer the route began (its body, its output stream if nothing went out yet,
     * and the headers that describe that body) for an error answer in its place. Headers about the
     * request or the error itself (WWW-Authenticate, Retry-After, the request id) stay.
     */
    void reset() {
        body = null;
        output = null;
        status = 200;
        for (HttpHeader describing : REPRESENTATION_HEADERS) {
            response.getHeaders().remove(describing);
        }
    }

    private static final List<HttpHeader> REPRESENTATION_HEADERS = List.of(HttpHeader.CONTENT_LENGTH, HttpHeader.CONTENT_TYPE,
            HttpHeader.CONTENT_RANGE, HttpHeader.CONTENT_DISPOSITION, HttpHeader.CONTENT_ENCODING, HttpHeader.ETAG,
            HttpHeader.LAST_MODIFIED, HttpHeader.ACCEPT_RANGES, HttpHeader.LOCATION);
}
