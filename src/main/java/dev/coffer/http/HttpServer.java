package dev.coffer.http;

import dev.coffer.config.ServerConfig;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: Javalin on Jetty 12 with a pooled thread per request. It assigns request ids,
 * limits concurrency (503 when full), logs one line per request, and renders every error as
 * RFC 9457 problem JSON. Features plug in as {@link ApiModule}s; nothing below this class knows
 * about requests.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("coffer.access");
    private static final Set<HandlerType> ROUTED = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE, HandlerType.HEAD);

    private static final String STARTED_AT = "coffer.startedAt";
    /** Threads beyond the admitted requests: Jetty's selectors and acceptor, and requests that are refused (503). */
    private static final int POOL_HEADROOM = 32;
    private static final int MIN_THREADS = 8;
    private static final java.time.Duration POOL_IDLE = java.time.Duration.ofSeconds(60);
    private final Javalin app;

    private HttpServer(Javalin app) {
        this.app = app;
    }

    public static HttpServer start(ServerConfig config, List<ApiModule> modules) {
        Semaphore permits = new Semaphore(config.maxConcurrentRequests());
        Javalin app = Javalin.create(c -> {
            // Platform threads from Jetty's own pool, not a virtual thread per request: measured with
            // the overhead bench, a get item through Coffer reached 0.78-0.90 of the direct SDK's
            // throughput this way against 0.50-0.72 with virtual threads (each request handed from
            // the selector to a carrier, and every blocking SDK read parked and woken by the poller).
            // The pool holds one thread per admitted request plus room for Jetty's selectors and
            // acceptors, so the semaphore below, not the pool, is what answers 503 when full.
            c.concurrency.useVirtualThreads = false;
            var threads = new org.eclipse.jetty.util.thread.QueuedThreadPool(config.maxConcurrentRequests() + POOL_HEADROOM,
                    MIN_THREADS, (int) POOL_IDLE.toMillis());
            threads.setName("coffer-http");
            c.jetty.threadPool = threads;
            c.jsonMapper(new io.javalin.json.JavalinJackson(dev.coffer.support.Json.mapper(), true));
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.prefer405over404 = true;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.http.generateEtags = false;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.jetty.modifyServer(server -> {
                server.setStopTimeout(2000);
                server.setErrorHandler(new ProblemErrorHandler());
            });
            c.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
                http.setRequestHeaderSize(16 * 1024);
            });
            c.router.handlerWrapper(endpoint -> {
                if (!ROUTED.contains(endpoint.method)) {
                    return endpoint.handler;
                }
                return ctx -> {
                    if (!permits.tryAcquire()) {
                        throw new CofferException(ErrorCode.OVERLOADED, "too many requests in flight; retry shortly",
                                null, java.time.Duration.ofSeconds(1), null);
                    }
                    try {
                        endpoint.handler.handle(ctx);
                    } finally {
                        permits.release();
                    }
                };
            });
            c.routes.before(ctx -> {
                ctx.attribute(STARTED_AT, System.nanoTime());
                RequestIds.assign(ctx);
                ctx.header("Cache-Control", "no-store");
                ctx.header("X-Content-Type-Options", "nosniff");
            });
            // Logged in an after-handler, before the response is flushed, so the line exists by
            // the time the client has its answer (tests and operators can rely on it).
            c.routes.after(ctx -> {
                // Checked first: the arguments cost more than the check when the line is off.
                if (ACCESS.isInfoEnabled()) {
                    Long started = ctx.attribute(STARTED_AT);
                    ACCESS.info("{} {} {} {}ms id={}", ctx.method(), ctx.path(), ctx.statusCode(),
                            tenthsOfMillis(started == null ? 0 : System.nanoTime() - started), RequestIds.of(ctx));
                }
            });
            c.routes.exception(CofferException.class, (e, ctx) -> {
                if (e.code().status() >= 500) {
                    LOG.warn("request {} failed: {}", RequestIds.of(ctx), e.oneLine());
                }
                Problems.write(ctx, e);
            });
            c.routes.exception(HttpResponseException.class, (e, ctx) -> Problems.write(ctx, codeFor(e.getStatus()),
                    publicDetail(e.getStatus())));
            c.routes.exception(Exception.class, (e, ctx) -> {
                // The client gets the request id only; the log gets the details.
                LOG.error("request {} failed unexpectedly", RequestIds.of(ctx), e);
                Problems.write(ctx, ErrorCode.INTERNAL, "an internal error occurred; quote the request id to the operator");
            });
            c.routes.error(404, ctx -> {
                if (!isProblem(ctx)) {
                    Problems.write(ctx, ErrorCode.NOT_FOUND, "no such resource: " + ctx.method() + " " + ctx.path());
                }
            });
            c.routes.error(405, ctx -> {
                if (!isProblem(ctx)) {
                    Problems.write(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed on " + ctx.path());
                }
            });
            c.routes.error(413, ctx -> {
                if (!isProblem(ctx)) {
                    Problems.write(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + config.maxBodyBytes() + " bytes");
                }
            });
            c.routes.error(500, ctx -> {
                if (!isProblem(ctx)) {
                    Problems.write(ctx, ErrorCode.INTERNAL, "an internal error occurred; quote the request id to the operator");
                }
            });
            for (ApiModule module : modules) {
                module.register(c.routes);
            }
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            if (hasCause(e, java.net.BindException.class)) {
                throw new CofferException(ErrorCode.STARTUP_FAILED,
                        "cannot listen on " + config.host() + ":" + config.port() + ": the address is already in use",
                        "stop the other process on that port, or choose another with --port or PORT", null, e);
            }
            throw e;
        }
        return new HttpServer(app);
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

    private static boolean isProblem(io.javalin.http.Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(Problem.MEDIA_TYPE);
    }

    private static ErrorCode codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 409 -> ErrorCode.CONFLICT;
            case 412 -> ErrorCode.PRECONDITION_FAILED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.OVERLOADED;
            default -> status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
        };
    }

    private static String publicDetail(int status) {
        return switch (status) {
            case 413 -> "the body is too large";
            case 404 -> "no such resource";
            default -> codeFor(status).title().toLowerCase(java.util.Locale.ROOT);
        };
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
