package dev.coffer.http;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;

/** The one place that writes error responses. */
public final class Problems {
    private Problems() {
    }

    public static void write(Exchange ctx, CofferException e) {
        write(ctx, e.code(), e.status(), e.detail(), e.members());
        e.retryAfter().ifPresent(d -> ctx.header("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
    }

    public static void write(Exchange ctx, ErrorCode code, String detail) {
        write(ctx, code, code.status(), detail, java.util.Map.of());
    }

    private static void write(Exchange ctx, ErrorCode code, int status, String detail, java.util.Map<String, Object> members) {
        var problem = new Problem(Problem.typeFor(code.code()), code.title(), status, detail, code.code(),
                ctx.requestId(), ctx.path(), members);
        ctx.status(status);
        ctx.error(code);
        try {
            ctx.result(Json.mapper().writeValueAsBytes(problem), Problem.MEDIA_TYPE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            ctx.result(("{\"status\":" + status + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8), Problem.MEDIA_TYPE);
        }
    }
}
