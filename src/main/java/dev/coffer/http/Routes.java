package dev.coffer.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The route table the feature modules fill in. Patterns are literal segments, {@code {name}} for
 * one non-empty segment and, last, {@code <name>} for the non-empty rest of the path. Matching is
 * on the raw (still percent-encoded) path, as Jetty received it, with one trailing slash ignored;
 * a {@code {name}} value is decoded before a handler sees it, a {@code <name>} value is not (the
 * files feature decodes and validates its paths itself). A path with a GET route answers HEAD
 * too, through that route, unless it has a HEAD route of its own.
 */
public final class Routes {
    /** What a route runs for a request. */
    @FunctionalInterface
    public interface Endpoint {
        void handle(Exchange exchange) throws Exception;
    }

    /** The outcome of looking a request up. */
    sealed interface Match {
        record Found(Endpoint endpoint, Map<String, String> pathParams) implements Match {
        }

        /** The path exists, but not for this method; {@code allowed} lists the methods it has. */
        record MethodNotAllowed(Set<String> allowed) implements Match {
        }

        record NotFound() implements Match {
        }
    }

    private record Route(String method, List<String> segments, Endpoint endpoint) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String pattern, Endpoint endpoint) {
        return add("GET", pattern, endpoint);
    }

    public Routes head(String pattern, Endpoint endpoint) {
        return add("HEAD", pattern, endpoint);
    }

    public Routes post(String pattern, Endpoint endpoint) {
        return add("POST", pattern, endpoint);
    }

    public Routes put(String pattern, Endpoint endpoint) {
        return add("PUT", pattern, endpoint);
    }

    public Routes patch(String pattern, Endpoint endpoint) {
        return add("PATCH", pattern, endpoint);
    }

    public Routes delete(String pattern, Endpoint endpoint) {
        return add("DELETE", pattern, endpoint);
    }

    private Routes add(String method, String pattern, Endpoint endpoint) {
        List<String> segments = segments(pattern);
        for (int i = 0; i < segments.size() - 1; i++) {
            if (segments.get(i).startsWith("<")) {
                throw new IllegalArgumentException("a <rest> parameter must come last: " + pattern);
            }
        }
        routes.add(new Route(method, segments, endpoint));
        return this;
    }

    Match match(String method, String rawPath) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        List<String> segments = segments(path);
        Set<String> allowed = new TreeSet<>();
        Match.Found get = null;
        for (Route route : routes) {
            Map<String, String> params = bind(route.segments(), segments, path);
            if (params == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match.Found(route.endpoint(), params);
            }
            if (route.method().equals("GET") && get == null) {
                get = new Match.Found(route.endpoint(), params);
            }
            allowed.add(route.method());
        }
        // HEAD is GET without the body (RFC 9110 9.3.2); Jetty drops the body of a HEAD answer.
        if (get != null) {
            if (method.equals("HEAD")) {
                return get;
            }
            allowed.add("HEAD");
        }
        return allowed.isEmpty() ? new Match.NotFound() : new Match.MethodNotAllowed(allowed);
    }

    /** The pattern's parameters bound to the path's segments, or null when the path does not fit. */
    private static Map<String, String> bind(List<String> pattern, List<String> path, String rawPath) {
        var params = new LinkedHashMap<String, String>();
        for (int i = 0; i < pattern.size(); i++) {
            if (i >= path.size()) {
                return null;
            }
            String part = pattern.get(i);
            if (part.startsWith("<")) {
                params.put(nameOf(part), restOf(rawPath, i));
                return params;
            }
            String segment = path.get(i);
            if (part.startsWith("{")) {
                if (segment.isEmpty()) {
                    return null;
                }
                params.put(nameOf(part), segment);
            } else if (!part.equals(segment)) {
                return null;
            }
        }
        return pattern.size() == path.size() ? params : null;
    }

    /** "id" for "{id}" or "<id>". */
    private static String nameOf(String part) {
        return part.substring(1, part.length() - 1);
    }

    /** The raw path after its first {@code skip} segments. */
    private static String restOf(String rawPath, int skip) {
        int at = 0;
        for (int i = 0; i <= skip; i++) {
            at = rawPath.indexOf('/', at) + 1;
        }
        return rawPath.substring(at);
    }

    private static List<String> segments(String path) {
        if (!path.startsWith("/")) {
            return List.of();
        }
        return path.equals("/") ? List.of() : List.of(path.substring(1).split("/", -1));
    }
}
