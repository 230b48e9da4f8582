package dev.coffer.http;

import dev.coffer.config.ServerConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.Admin;
import dev.coffer.identity.AdminAuthenticator;
import dev.coffer.identity.Authentication;
import dev.coffer.identity.Authenticator;
import dev.coffer.identity.Caller;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: one Jetty 12 handler on a pool of platform threads. It assigns request ids,
 * resolves the client's address ({@link TrustedProxies}), limits concurrency ({@link Admission}),
 * connections per client ({@link ConnectionCap}) and how long a request may take to arrive
 * ({@link RequestDeadlines}), routes, logs one line per request, and renders every error as
 * RFC 9457 problem JSON. Features plug in as {@link ApiModule}s through {@link Routes}; nothing
 * below this class knows about Jetty.
 *
 * <p>A bare Jetty handler rather than a web framework on the servlet API: the overhead bench
 * measured Javalin on Jetty's servlet layer at 2.6 times the per-request CPU of a bare handler
 * doing the same SDK call, outside the SDK (see BENCHMARKS.md), and Coffer needs none of what the
 * servlet layer adds (sessions, filters, dispatch).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** One line per admin request, naming the admin: the console's audit trail. */
    private static final Logger ADMIN_LOG = LoggerFactory.getLogger("dev.coffer.admin.audit");
    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS");

    /** Threads beyond the request slots: Jetty's selectors and acceptor, and requests answered without a slot (503, 404, live). */
    private static final int POOL_HEADROOM = 32;
    /** Kept when idle: Jetty's selector and acceptor plus a couple ready for the next request (each costs a stack). */
    private static final int MIN_THREADS = 4;
    private static final Duration POOL_IDLE = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);
    /** Bodies smaller than this are sent as they are: gzip would cost more than it saves. */
    private static final int MIN_GZIP_BYTES = 1500;

    private final Server server;
    private final ServerConnector connector;
    private final List<Routes.Declared> declared;
    private final Edge edge;

    private HttpServer(Server server, ServerConnector connector, List<Routes.Declared> declared, Edge edge) {
        this.edge = edge;
        this.server = server;
        this.connector = connector;
        this.declared = declared;
    }

    /**
     * Starts listening. {@code authenticator} resolves the caller of every route that declares
     * {@link Access.Callers}; open routes never consult it.
     */
    public static HttpServer start(ServerConfig config, Authenticator authenticator, List<ApiModule> modules) {
        return start(config, authenticator, modules, List.of());
    }

    /** As above, telling {@code observers} of every answered request (metrics, logs, activity). */
    public static HttpServer start(ServerConfig config, Authenticator authenticator, List<ApiModule> modules,
                                   List<RequestObserver> observers) {
        return start(config, authenticator, AdminAuthenticator.NONE, modules, observers);
    }

    /** As above, with {@code admins} deciding the sessions of every {@link Access.Admins} route (the console). */
    public static HttpServer start(ServerConfig config, Authenticator authenticator, AdminAuthenticator admins,
                                   List<ApiModule> modules, List<RequestObserver> observers) {
        return start(config, authenticator, admins, modules, observers, List.of());
    }

    /** As above, with {@code gates} consulted for each verified caller before the handler runs (per-user limits). */
    public static HttpServer start(ServerConfig config, Authenticator authenticator, AdminAuthenticator admins,
                                   List<ApiModule> modules, List<RequestObserver> observers, List<CallerGate> gates) {
        Routes routes = new Routes();
        for (ApiModule module : modules) {
            module.register(routes);
        }
        // Platform threads, not a virtual thread per request: measured with the overhead bench, a
        // get item through Coffer reached 0.78-0.90 of the direct SDK's throughput this way against
        // 0.50-0.72 with virtual threads (each request handed from the selector to a carrier, and
        // every blocking SDK read parked and woken by the poller). The pool holds one thread per
        // request slot (API and health) plus room for Jetty's selectors and acceptors and for
        // requests answered without a slot, so the slots, not the pool, are what answers 503 when full.
        int poolSize = config.maxConcurrentRequests() + Admission.HEALTH_RESERVE + POOL_HEADROOM;
        var threads = new QueuedThreadPool(poolSize, MIN_THREADS, (int) POOL_IDLE.toMillis());
        threads.setName("coffer-http");
        Server server = new Server(threads);
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        server.setErrorHandler(new ProblemErrorHandler());
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        // Jetty caches header fields per connection and, by default, matches a repeated field's value
        // ignoring case: a token differing only in case from the one sent before on the same
        // connection was read as that one (OperatorRoutesTest found it). Tokens are case-sensitive.
        http.setHeaderCacheCaseSensitive(true);
        // %25 is how a client sends '%' in a file name. Jetty refuses it by default for servlets
        // that decode twice; Coffer decodes each path exactly once itself (PathDecoding).
        http.setUriCompliance(UriCompliance.DEFAULT.with("coffer", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        var proxies = new TrustedProxies(config.trustedProxies());
        connector.addEventListener(new ConnectionCap(config.maxConnectionsPerAddress(), proxies));
        server.addConnector(connector);
        var deadlines = new RequestDeadlines(config.requestTimeout(), config.minRequestDataRate());
        var admission = new Admission(config.maxConcurrentRequests(), config.maxConnectionsPerAddress());
        var edge = new Edge(routes, authenticator, admins, admission, proxies, deadlines, observers, gates);
        var gzip = new GzipHandler(edge);
        gzip.setMinGzipSize(MIN_GZIP_BYTES);
        // A compressor holds bytes back until it has enough: an event would wait for the next ones.
        gzip.addExcludedMimeTypes("text/event-stream");
        // Files are stored as their owners sent them; ranges and lengths refer to those bytes.
        gzip.addExcludedPaths("/api/v1/files/*");
        server.setHandler(gzip);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            if (hasCause(e, java.net.BindException.class)) {
                throw new CofferException(ErrorCode.STARTUP_FAILED,
                        "cannot listen on " + config.host() + ":" + config.port() + ": the address is already in use",
                        "stop the other process on that port, or choose another with --port or PORT", null, e);
            }
            throw new IllegalStateException("the HTTP server did not start", e);
        }
        deadlines.start(connector);
        return new HttpServer(server, connector, routes.declared(), edge);
    }

    /**
     * Every request: id, security headers, client address, slot, route, arrival deadline, errors
     * as problems, access log.
     */
    private static final class Edge extends Handler.Abstract {
        private final Routes routes;
        private final Authenticator authenticator;
        private final AdminAuthenticator admins;
        private final Admission admission;
        private final TrustedProxies proxies;
        private final RequestDeadlines deadlines;
        private final List<RequestObserver> observers;
        /** The threads of open event streams: interrupted when the server stops. */
        private final java.util.Set<Thread> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final List<CallerGate> gates;

        Edge(Routes routes, Authenticator authenticator, AdminAuthenticator admins, Admission admission, TrustedProxies proxies, RequestDeadlines deadlines,
             List<RequestObserver> observers, List<CallerGate> gates) {
            super(InvocationType.BLOCKING);
            this.routes = routes;
            this.authenticator = authenticator;
            this.admins = admins;
            this.admission = admission;
            this.proxies = proxies;
            this.deadlines = deadlines;
            // The access log first: it is one more observer of the same completed request.
            var all = new java.util.ArrayList<RequestObserver>();
            all.add(new AccessLog());
            all.addAll(observers);
            this.observers = List.copyOf(all);
            this.gates = List.copyOf(gates);
        }

        @Override
        public boolean handle(Request received, Response response, Callback callback) {
            long started = System.nanoTime();
            for (RequestObserver observer : observers) {
                observer.started();
            }
            String id = RequestIds.assign(received.getHeaders().get(RequestIds.HEADER));
            var headers = response.getHeaders();
            headers.put(RequestIds.HEADER, id);
            headers.put("Cache-Control", "no-store");
            headers.put("X-Content-Type-Options", "nosniff");
            Client client = client(received);
            Request request = deadlines.track(received);
            Exchange exchange = new Exchange(request, response, id, started, client.address());
            Admission.Slot slot = Admission.Slot.NONE;
            try {
                try {
                    switch (routes.match(exchange.method(), exchange.path())) {
                        case Routes.Match.Found found -> {
                            // An event stream holds no API slot: it would hold it for hours. Its
                            // feature caps how many are open (events.max_streams).
                            slot = found.streaming() ? Admission.Slot.NONE
                                    : admission.admit(exchange.path(), client.address(), client.forwarded());
                            exchange.pathParams(found.pathParams());
                            exchange.route(found.route().pattern());
                            Access access = found.route().access();
                            Caller caller = callerFor(access, exchange);
                            if (caller != null) {
                                for (CallerGate gate : gates) {
                                    gate.admit(exchange.method(), found.route().pattern(), caller);
                                }
                            }
                            found.endpoint().handle(exchange, caller, adminFor(access, exchange));
                            if (exchange.stream() != null) {
                                startStream(exchange, callback);
                                return true;
                            }
                        }
                        case Routes.Match.MethodNotAllowed notAllowed -> {
                            Problems.write(exchange, ErrorCode.METHOD_NOT_ALLOWED, exchange.method() + " is not allowed on " + exchange.path());
                            exchange.header("Allow", String.join(", ", notAllowed.allowed()));
                        }
                        case Routes.Match.NotFound notFound -> Problems.write(exchange, ErrorCode.NOT_FOUND,
                                "no such resource: " + exchange.method() + " " + exchange.path());
                    }
                } catch (Exception e) {
                    if (exchange.committed()) {
                        // The status and part of the body are out: all that is left is to cut the
                        // connection, so the client sees a short answer rather than a whole wrong one.
                        LOG.warn("request {} failed after its answer began: {}", id,
                                e instanceof CofferException coffer ? coffer.oneLine() : e.toString());
                        log(exchange);
                        callback.failed(e);
                        return true;
                    }
                    exchange.reset();
                    // Whatever the route made of its failed read, the reason was the deadline.
                    answerError(exchange, RequestDeadlines.expired(request) ? tooSlow() : e);
                }
                log(exchange);
                exchange.finish(callback, slot.mayWaitForBody() && !RequestDeadlines.expired(request));
            } finally {
                for (CallerGate gate : gates) {
                    gate.leave();
                }
                slot.close();
                deadlines.untrack(request);
            }
            return true;
        }

        /**
         * Sends the headers of an event stream now and runs it on a virtual thread of its own,
         * which finishes the exchange: the pool thread that got here returns at once.
         */
        private void startStream(Exchange exchange, Callback callback) {
            EventStream stream = exchange.stream();
            exchange.header("Content-Type", "text/event-stream; charset=utf-8");
            // nginx buffers answers unless told not to; an event must not wait in a proxy.
            exchange.header("X-Accel-Buffering", "no");
            Thread thread = Thread.ofVirtual().name("coffer-sse-" + exchange.requestId()).unstarted(() -> {
                Throwable failure = null;
                try {
                    java.io.OutputStream out = exchange.output();
                    out.flush();
                    stream.run(text -> {
                        out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        out.flush();
                    });
                } catch (InterruptedException e) {
                    // The server is stopping.
                } catch (Exception | Error e) {
                    failure = e;
                } finally {
                    streams.remove(Thread.currentThread());
                    log(exchange);
                    if (failure == null) {
                        exchange.finish(callback, false);
                    } else {
                        // Mostly the client went away; either way the stream is over.
                        LOG.debug("event stream {} ended: {}", exchange.requestId(), failure.toString());
                        callback.failed(failure);
                    }
                }
            });
            streams.add(thread);
            thread.start();
        }

        /** The caller a protected route admits, or the problem that refuses the request; null for open routes. */
        private Caller callerFor(Access access, Exchange exchange) {
            if (access instanceof Access.OperatorToken operator) {
                if (!operator.admits(exchange.header("Authorization"))) {
                    exchange.header("WWW-Authenticate", "Bearer");
                    throw new CofferException(ErrorCode.UNAUTHORIZED, "the operator's bearer token is required");
                }
                return null;
            }
            if (!(access instanceof Access.Callers callers)) {
                return null;
            }
            var outcome = authenticator.authenticate(exchange.header("Authorization"),
                    exchange.header(Authenticator.ON_BEHALF_OF_HEADER));
            return switch (outcome) {
                case Authentication.Verified verified -> {
                    exchange.caller(verified.caller());
                    if (!callers.kinds().contains(verified.caller().kind())) {
                        throw new CofferException(ErrorCode.FORBIDDEN, forbiddenDetail(callers));
                    }
                    yield verified.caller();
                }
                case Authentication.Refused refused -> {
                    LOG.debug("request {} refused: {}", exchange.requestId(), refused.reason());
                    exchange.header("WWW-Authenticate", "Bearer");
                    throw new CofferException(ErrorCode.UNAUTHORIZED, "a valid bearer token is required");
                }
                case Authentication.Invalid invalid -> throw new CofferException(ErrorCode.VALIDATION_FAILED,
                        invalid.field() + ": " + invalid.reason());
                case Authentication.Unavailable unavailable -> throw new CofferException(
                        ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE, unavailable.reason(), null, unavailable.retryAfter(), null);
            };
        }

        /**
         * The admin of a live console session for an admin route, or the problem that refuses the
         * request; null for other routes. Only the session cookie counts: a bearer token of any
         * kind is not looked at. A state-changing method must repeat the session's CSRF token.
         */
        private Admin adminFor(Access access, Exchange exchange) {
            if (!(access instanceof Access.Admins)) {
                return null;
            }
            String token = exchange.cookie(AdminSessionCookie.NAME);
            Optional<AdminAuthenticator.AdminSession> session = token == null || token.isEmpty() || token.length() > 512
                    ? Optional.empty() : admins.session(token);
            if (session.isEmpty()) {
                throw new CofferException(ErrorCode.UNAUTHORIZED, "an admin session is required: log in to the console at /console/");
            }
            if (!SAFE_METHODS.contains(exchange.method())) {
                String sent = exchange.header(AdminSessionCookie.CSRF_HEADER);
                if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                        session.get().csrfToken().getBytes(StandardCharsets.UTF_8))) {
                    ADMIN_LOG.warn("admin {} {} {} refused: CSRF token missing or wrong id={}", session.get().admin().id(),
                            exchange.method(), exchange.path(), exchange.requestId());
                    throw new CofferException(ErrorCode.CSRF_TOKEN_INVALID, "state-changing admin requests need the session's "
                            + AdminSessionCookie.CSRF_HEADER + " header (returned by the admin login)");
                }
            }
            Admin admin = session.get().admin();
            // Every admin action, read or write, with the admin who did it.
            ADMIN_LOG.info("admin {} ({}) {} {} id={} client={}", admin.id(), admin.email(), exchange.method(), exchange.path(),
                    exchange.requestId(), exchange.remoteAddress());
            return admin;
        }

        private static String forbiddenDetail(Access.Callers callers) {
            if (callers.kinds().equals(java.util.Set.of(Caller.Kind.ACCOUNT))) {
                return "this endpoint needs the user's own access token";
            }
            return "this endpoint does not accept this kind of credentials";
        }

        private static CofferException tooSlow() {
            return new CofferException(ErrorCode.REQUEST_TIMEOUT,
                    "the request did not arrive in time (server.request_timeout, server.min_request_data_rate)");
        }

        private record Client(String address, boolean forwarded) {
        }

        private Client client(Request request) {
            if (!(request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress socket)
                    || socket.getAddress() == null) {
                return new Client(Request.getRemoteAddr(request), false);
            }
            InetAddress peer = socket.getAddress();
            InetAddress client = proxies.clientOf(peer, request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR));
            return new Client(client.getHostAddress(), !client.equals(peer));
        }

        private static void answerError(Exchange exchange, Exception e) {
            switch (e) {
                case CofferException coffer -> {
                    if (coffer.code().status() >= 500) {
                        // The client sees the code and request id; the operator needs what the
                        // backend said too (an AWS error's message and its own request id).
                        if (coffer.getCause() == null) {
                            LOG.warn("request {} failed: {}", exchange.requestId(), coffer.oneLine());
                        } else {
                            LOG.warn("request {} failed: {}; cause: {}", exchange.requestId(), coffer.oneLine(),
                                    coffer.getCause().toString());
                        }
                    }
                    Problems.write(exchange, coffer);
                }
                // Jetty's own verdicts on the request, e.g. a body cut short or badly chunked.
                case HttpException http when http.getCode() >= 400 && http.getCode() < 500 ->
                        Problems.write(exchange, ProblemErrorHandler.codeFor(http.getCode()), "the request could not be read");
                default -> {
                    // The client gets the request id only; the log gets the details.
                    LOG.error("request {} failed unexpectedly", exchange.requestId(), e);
                    Problems.write(exchange, ErrorCode.INTERNAL, "an internal error occurred; quote the request id to the operator");
                }
            }
        }

        private void log(Exchange exchange) {
            CompletedRequest completed = exchange.completed(System.nanoTime());
            for (RequestObserver observer : observers) {
                try {
                    observer.completed(completed);
                } catch (RuntimeException e) {
                    LOG.warn("request observer {} failed: {}", observer.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }

    /** "12.3" for 12.34 ms: String.format's cost for one decimal, without it. */
    static String tenthsOfMillis(long nanos) {
        long tenths = Math.round(nanos / 100_000.0);
        return (tenths / 10) + "." + (tenths % 10);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // Start-up failed already; that is the error to report.
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Every route this server answers, with its declared access. */
    public List<Routes.Declared> routes() {
        return declared;
    }

    @Override
    public void close() {
        edge.streams.forEach(Thread::interrupt);
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
        }
    }
}
