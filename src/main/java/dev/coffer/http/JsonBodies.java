package dev.coffer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads JSON request bodies within the configured size limit, refusing wrong content types,
 * oversize bodies (413, before reading them all), malformed JSON and unknown fields (400), with
 * messages that name the problem but never echo the body.
 */
public final class JsonBodies {
    private final long maxBytes;

    public JsonBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public <T> T read(Exchange ctx, Class<T> type) {
        byte[] body = bytes(ctx);
        try {
            T value = Json.mapper().readValue(body, type);
            if (value == null) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "the body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "unknown field '" + e.getPropertyName() + "'");
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "field '" + field + "' has the wrong type or is missing");
        } catch (JsonProcessingException e) {
            throw new CofferException(ErrorCode.INVALID_JSON, "the body is not valid JSON");
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "could not read the request body");
        }
    }

    public JsonNode tree(Exchange ctx) {
        return parseTree(bytes(ctx));
    }

    private static JsonNode parseTree(byte[] body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new CofferException(ErrorCode.INVALID_JSON, "the body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new CofferException(ErrorCode.INVALID_JSON, "the body is not valid JSON");
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "could not read the request body");
        }
    }

    /** A JSON tree from a body of any JSON media type (e.g. application/merge-patch+json). */
    public JsonNode treeAnyJson(Exchange ctx) {
        return parseTree(boundedBody(ctx));
    }

    /** The raw body, after checking content type and size. */
    public byte[] bytes(Exchange ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
        }
        return boundedBody(ctx);
    }

    private byte[] boundedBody(Exchange ctx) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.body()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "could not read the request body");
        }
    }

    private CofferException tooLarge() {
        return new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + maxBytes + " bytes");
    }
}
