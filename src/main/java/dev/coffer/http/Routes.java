package dev.coffer.http;

import dev.coffer.identity.Admin;
import dev.coffer.identity.Caller;
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
 *
 * <p>Every route declares its {@link Access} where it is registered: an {@link Access.Open} route
 * takes an {@link Endpoint}, a protected one a {@link CallerEndpoint}, which the edge calls only
 * with an authenticated {@link Caller} of an admitted kind, an {@link Access.Admins} one an
 * {@link AdminEndpoint}, called only with the {@link Admin} of a live console session. There is no
 * way to register a route without saying which it is.
 */
public final class Routes {
    /** What an open route runs for a request. */
    @FunctionalInterface
    public interface Endpoint {
        void handle(Exchange exchange) throws Exception;
    }

    /** What a protected route runs, with the caller the edge authenticated. */
    @FunctionalInterface
    public interface CallerEndpoint {
        void handle(Exchange exchange, Caller caller) throws Exception;
    }

    /** What an admin route runs, with the admin whose session the edge authenticated. */
    @FunctionalInterface
    public interface AdminEndpoint {
        void handle(Exchange exchange, Admin admin) throws Exception;
    }

    /** How the edge calls any route: with the caller (protected routes) or the admin (admin routes), else nulls. */
    @FunctionalInterface
    interface Invocation {
        void handle(Exchange exchange, Caller caller, Admin admin) throws Exception;
    }

    /** One registered route as declared: method, pattern and who may call it. */
    public record Declared(String method, String pattern, Access access) {
    }

    /** The outcome of looking a request up. */
    sealed interface Match {
        record Found(Declared route, Invocation endpoint, Map<String, String> pathParams) implements Match {
        }

        /** The path exists, but not for this method; {@code allowed} lists the methods it has. */
        record MethodNotAllowed(Set<String> allowed) implements Match {
        }

        record NotFound() implements Match {
        }
    }

    private record Route(Declared declared, List<String> segments, Invocation endpoint) {
        String method() {
            return declared.method();
        }
    }

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String pattern, Access.Open access, Endpoint endpoint) {
        return add("GET", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange));
    }

    public Routes get(String pattern, Access.Callers access, CallerEndpoint endpoint) {
        return add("GET", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, caller));
    }

    public Routes get(String pattern, Access.Admins access, AdminEndpoint endpoint) {
        return add("GET", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, admin));
    }

    public Routes get(String pattern, Access.OperatorToken access, Endpoint endpoint) {
        return add("GET", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange));
    }

    public Routes head(String pattern, Access.Open access, Endpoint endpoint) {
        return add("HEAD", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange));
    }

    public Routes head(String pattern, Access.Callers access, CallerEndpoint endpoint) {
        return add("HEAD", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, caller));
    }

    public Routes post(String pattern, Access.Open access, Endpoint endpoint) {
        return add("POST", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange));
    }

    public Routes post(String pattern, Access.Callers access, CallerEndpoint endpoint) {
        return add("POST", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, caller));
    }

    public Routes post(String pattern, Access.Admins access, AdminEndpoint endpoint) {
        return add("POST", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, admin));
    }

    public Routes put(String pattern, Access.Open access, Endpoint endpoint) {
        return add("PUT", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange));
    }

    public Routes put(String pattern, Access.Callers access, CallerEndpoint endpoint) {
        return add("PUT", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, caller));
    }

    public Routes put(String pattern, Access.Admins access, AdminEndpoint endpoint) {
        return add("PUT", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, admin));
    }

    public Routes patch(String pattern, Access.Open access, Endpoint endpoint) {
        return add("PATCH", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange));
    }

    public Routes patch(String pattern, Access.Callers access, CallerEndpoint endpoint) {
        return add("PATCH", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, caller));
    }

    public Routes patch(String pattern, Access.Admins access, AdminEndpoint endpoint) {
        return add("PATCH", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, admin));
    }

    public Routes delete(String pattern, Access.Open access, Endpoint endpoint) {
        return add("DELETE", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange));
    }

    public Routes delete(String pattern, Access.Callers access, CallerEndpoint endpoint) {
        return add("DELETE", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, caller));
    }

    public Routes delete(String pattern, Access.Admins access, AdminEndpoint endpoint) {
        return add("DELETE", pattern, access, (exchange, caller, admin) -> endpoint.handle(exchange, admin));
    }

    private Routes add(String method, String pattern, Access access, Invocation endpoint) {
        List<String> segments = segments(pattern);
        for (int i = 0; i < segments.size() - 1; i++) {
            if (segments.get(i).startsWith("<")) {
                throw new IllegalArgumentException("a <rest> parameter must come last: " + pattern);
            }
        }
        routes.add(new Route(new Declared(method, pattern, access), segments, endpoint));
        return this;
    }

    /** Every route as registered, in order (the route-walking tests and the API description read it). */
    public List<Declared> declared() {
        return routes.stream().map(Route::declared).toList();
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
                return new Match.Found(route.declared(), route.endpoint(), params);
            }
            if (route.method().equals("GET") && get == null) {
                get = new Match.Found(route.declared(), route.endpoint(), params);
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
