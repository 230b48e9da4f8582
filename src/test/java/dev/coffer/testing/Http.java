package dev.coffer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A small real HTTP client for tests (JDK HttpClient), with JSON helpers. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final boolean checked;
    private volatile ApiContract contract;

    public Http(URI base) {
        this(base, false);
    }

    /**
     * @param checkAgainstContract check every answer against the server's own OpenAPI document
     *     ({@link ApiContract}); for Coffer servers
     */
    public Http(URI base, boolean checkAgainstContract) {
        this.base = base;
        this.checked = checkAgainstContract;
    }

    /**
     * Reads the server's API document now, while it can answer (a test that then fills every
     * request slot still has its answers checked).
     */
    public Http loadContract() {
        contract();
        return this;
    }

    private ApiContract contract() {
        if (contract == null) {
            contract = ApiContract.of(base);
        }
        return contract;
    }

    public URI base() {
        return base;
    }

    /** A response with its body as bytes; {@link #json()} parses it. */
    public record Response(int status, byte[] bytes, HttpResponse<byte[]> raw) {
        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.mapper().readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body(), e);
            }
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        @Override
        public String toString() {
            return status + " " + body();
        }
    }

    public Request request(String method, String path) {
        return new Request(method, path);
    }

    public Response get(String path) {
        return request("GET", path).send();
    }

    public Response get(String path, String token) {
        return request("GET", path).bearer(token).send();
    }

    public Response postJson(String path, String token, Object body) {
        return request("POST", path).bearer(token).json(body).send();
    }

    /** A request being built. */
    public final class Request {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();

        private Request(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Request bearer(String token) {
            return token == null ? this : header("Authorization", "Bearer " + token);
        }

        public Request json(Object value) {
            String text;
            if (value instanceof String s) {
                text = s;
            } else {
                try {
                    text = Json.mapper().writeValueAsString(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            headers.putIfAbsent("Content-Type", "application/json");
            body = HttpRequest.BodyPublishers.ofString(text);
            return this;
        }

        public Request body(byte[] bytes, String contentType) {
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
            body = HttpRequest.BodyPublishers.ofByteArray(bytes);
            return this;
        }

        public Request body(HttpRequest.BodyPublisher publisher) {
            body = publisher;
            return this;
        }

        public Response send() {
            var builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).method(method, body);
            headers.forEach(builder::header);
            try {
                HttpResponse<byte[]> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (checked) {
                    contract().check(method, response.uri(), response.statusCode(), response.headers().firstValue("Content-Type"),
                            response.body());
                }
                return new Response(response.statusCode(), response.body(), response);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
