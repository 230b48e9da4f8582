package dev.coffer.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem body, plus Coffer's stable {@code code} and the {@code request_id} to quote
 * to an operator. {@code detail} is always a message written for clients, never an exception's
 * internal text.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String request_id,
                      String instance, @com.fasterxml.jackson.annotation.JsonIgnore java.util.Map<String, Object> members) {
    public Problem(String type, String title, int status, String detail, String code, String request_id, String instance) {
        this(type, title, status, detail, code, request_id, instance, java.util.Map.of());
    }

    /** RFC 9457 extension members (e.g. a quota's {@code limit} and {@code usage}), after the standard ones. */
    @com.fasterxml.jackson.annotation.JsonAnyGetter
    public java.util.Map<String, Object> extensions() {
        return members;
    }

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://coffer.dev/problems/";

    public static String typeFor(String code) {
        return TYPE_BASE + code.replace('_', '-');
    }
}
