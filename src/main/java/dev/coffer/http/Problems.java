package dev.coffer.http;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Json;
import io.javalin.http.Context;

/** The one place that writes error responses. */
public final class Problems {
    private Problems() {
    }

    public static void write(Context ctx, CofferException e) {
        write(ctx, e.code(), e.detail());
        e.retryAfter().ifPresent(d -> ctx.header("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
    }

    public static void write(Context ctx, ErrorCode code, String detail) {
        var problem = new Problem(Problem.typeFor(code.code()), code.title(), code.status(), detail, code.code(),
                RequestIds.of(ctx), ctx.path());
        ctx.status(code.status());
        ctx.contentType(Problem.MEDIA_TYPE);
        try {
            ctx.result(Json.mapper().writeValueAsBytes(problem));
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            ctx.result("{\"status\":" + code.status() + "}");
        }
    }
}
