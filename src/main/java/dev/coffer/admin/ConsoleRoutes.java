package dev.coffer.admin;

import dev.coffer.http.Access;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Exchange;
import dev.coffer.http.Routes;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /console/}: the console's static page, script and style, packaged in the jar and read
 * once at start-up (nothing from a CDN, nothing fetched at run time). Only the files listed here
 * are served, so no request path reaches the class path. Open routes: the page holds no data;
 * everything it shows comes from the admin API, which needs a session.
 */
final class ConsoleRoutes implements ApiModule {
    static final String BASE = "/console";
    /**
     * Scripts and styles from this origin's files only (no inline script, no eval), data from this
     * origin's API only, never framed.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final Map<String, String> FILES = Map.of("index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8", "console.css", "text/css; charset=utf-8");

    private record Asset(byte[] bytes, String mediaType) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    ConsoleRoutes() {
        FILES.forEach((name, type) -> assets.put(name, new Asset(read(name), type)));
    }

    @Override
    public void register(Routes routes) {
        routes.get(BASE, Access.PUBLIC, ctx -> serve(ctx, "index.html"));
        routes.get(BASE + "/<file>", Access.PUBLIC, ctx -> serve(ctx, ctx.rawPathParam("file")));
    }

    private void serve(Exchange ctx, String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            throw new CofferException(ErrorCode.NOT_FOUND, "no such console file");
        }
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.result(asset.bytes(), asset.mediaType());
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/dev/coffer/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console file " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
