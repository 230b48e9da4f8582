package dev.coffer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One row of an HTTP scenario table (after PocketBase's {@code tests.ApiScenario}): a request and
 * what its answer must and must not contain. Built with {@link #of} and the copying setters, run
 * by {@link #run}. Its {@code toString} is its name, so parameterized tests are named by it.
 *
 * @param url  may hold placeholders like {@code {cursor}}, filled by {@link #run}'s resolver
 * @param code the problem {@code code} the answer must have, or null for a success
 */
public record ApiScenario(String name, String method, String url, Map<String, String> headers, String body, String contentType,
                          boolean authenticated, int status, String code, List<String> mustContain, List<String> mustNotContain) {
    public ApiScenario {
        headers = Map.copyOf(headers);
        mustContain = List.copyOf(mustContain);
        mustNotContain = List.copyOf(mustNotContain);
    }

    /** An authenticated request without a body that must answer 200. */
    public static ApiScenario of(String name, String method, String url) {
        return new ApiScenario(name, method, url, Map.of(), null, null, true, 200, null, List.of(), List.of());
    }

    public ApiScenario header(String name, String value) {
        var all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ApiScenario(this.name, method, url, all, body, contentType, authenticated, status, code, mustContain, mustNotContain);
    }

    /** A JSON body. */
    public ApiScenario json(String json) {
        return new ApiScenario(name, method, url, headers, json, "application/json", authenticated, status, code, mustContain,
                mustNotContain);
    }

    /** A body of any type. */
    public ApiScenario body(String text, String type) {
        return new ApiScenario(name, method, url, headers, text, type, authenticated, status, code, mustContain, mustNotContain);
    }

    public ApiScenario anonymous() {
        return new ApiScenario(name, method, url, headers, body, contentType, false, status, code, mustContain, mustNotContain);
    }

    /** The answer must be this problem: status and code. */
    public ApiScenario problem(int status, String code) {
        return new ApiScenario(name, method, url, headers, body, contentType, authenticated, status, code, mustContain, mustNotContain);
    }

    public ApiScenario contains(String... texts) {
        var all = new ArrayList<>(mustContain);
        all.addAll(List.of(texts));
        return new ApiScenario(name, method, url, headers, body, contentType, authenticated, status, code, all, mustNotContain);
    }

    public ApiScenario notContains(String... texts) {
        var all = new ArrayList<>(mustNotContain);
        all.addAll(List.of(texts));
        return new ApiScenario(name, method, url, headers, body, contentType, authenticated, status, code, mustContain, all);
    }

    /** Sends the request with {@code token} (unless anonymous) and checks the answer. */
    public Http.Response run(Http http, String token, UnaryOperator<String> resolveUrl) {
        Http.Request request = http.request(method, resolveUrl.apply(url));
        if (authenticated) {
            request.bearer(token);
        }
        headers.forEach(request::header);
        if (body != null) {
            request.body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
        }
        Http.Response response = request.send();
        assertThat(response.status()).as(name + ": " + response.body()).isEqualTo(status);
        if (code != null) {
            assertThat(response.json().path("code").asText()).as(name).isEqualTo(code);
        }
        for (String text : mustContain) {
            assertThat(response.body()).as(name).contains(text);
        }
        for (String text : mustNotContain) {
            assertThat(response.body()).as(name).doesNotContain(text);
        }
        return response;
    }

    @Override
    public String toString() {
        return name;
    }
}
