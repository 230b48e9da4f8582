package dev.coffer.files;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Access;
import dev.coffer.http.Exchange;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import dev.coffer.http.JsonBodies;
import dev.coffer.http.Routes;
import dev.coffer.support.EntityTags;
import dev.coffer.support.OpaqueTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * {@code /api/v1/files/...}: uploads and downloads stream straight between the client and S3;
 * the path comes from the raw request URI and passes {@link FilePaths} before any S3 call.
 */
final class FilesRoutes implements ApiModule {
    static final String BASE = "/api/v1/files";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final FileStore store;
    private final Presigning presigning;
    private final JsonBodies bodies;
    private final OpaqueTokens cursors;

    FilesRoutes(FileStore store, Presigning presigning, JsonBodies bodies, OpaqueTokens cursors) {
        this.store = store;
        this.presigning = presigning;
        this.bodies = bodies;
        this.cursors = cursors;
    }

    @Override
    public void register(Routes routes) {
        routes.post(BASE + "/presign", Access.ANY_CALLER, this::presign);
        routes.get(BASE, Access.ANY_CALLER, this::list);
        routes.put(BASE + "/<path>", Access.ANY_CALLER, this::upload);
        routes.get(BASE + "/<path>", Access.ANY_CALLER, this::download);
        routes.head(BASE + "/<path>", Access.ANY_CALLER, this::head);
        routes.delete(BASE + "/<path>", Access.ANY_CALLER, this::delete);
    }

    private void upload(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        String path = path(ctx, user);
        String contentType = contentType(ctx.header("Content-Type"));
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null && !ifNoneMatch.trim().equals("*")) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "If-None-Match on upload supports only '*' (create-only)");
        }
        Optional<EntityTags> ifMatch = entityTags(ctx, "If-Match");
        if (ifMatch.isPresent() && ifNoneMatch != null) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "use If-Match or If-None-Match, not both");
        }
        long length = ctx.contentLength();
        try (InputStream body = ctx.body()) {
            StoredFile stored = ifMatch.isPresent()
                    ? store.replaceIfMatch(user, path, body, length, contentType, ifMatch.get())
                    : store.upload(user, path, body, length, contentType, ifNoneMatch != null);
            ctx.status(200).header("ETag", stored.etag()).json(describe(stored));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "the upload was interrupted; nothing was stored");
        }
    }

    /**
     * Copy chunk for downloads: each write blocks until Jetty has sent it, so bigger chunks mean
     * fewer hand-offs per byte (1 GiB on a pooled thread: ~210-230 MB/s with transferTo's 16 KiB,
     * ~267 MB/s with 64 KiB or 256 KiB). 64 KiB keeps 512 concurrent downloads at 32 MiB of heap.
     */
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private void download(Exchange ctx, Caller caller) throws IOException {
        UserId user = caller.userId();
        String path = path(ctx, user);
        Optional<String> range = range(ctx.header("Range"));
        Optional<EntityTags> ifNoneMatch = entityTags(ctx, "If-None-Match");
        if (ifNoneMatch.isPresent()) {
            // Evaluated here, as RFC 9110 says (weak comparison, lists, '*'), not left to the
            // storage's reading of the header; a HEAD costs no body when the answer is 304.
            var current = store.head(user, path).orElseThrow(FilesRoutes::notFound);
            if (ifNoneMatch.get().weakMatch(current.eTag())) {
                ctx.status(304).header("ETag", current.eTag());
                return;
            }
        }
        switch (store.open(user, path, range)) {
            case FileStore.Read.Missing m -> throw notFound();
            case FileStore.Read.RangeNotSatisfiable r -> throw new CofferException(ErrorCode.RANGE_NOT_SATISFIABLE,
                    "the range is outside the file");
            case FileStore.Read.Found found -> {
                try (InputStream in = found.body()) {
                    GetObjectResponse meta = found.body().response();
                    if (ifNoneMatch.isPresent() && ifNoneMatch.get().weakMatch(meta.eTag())) {
                        // Replaced since the HEAD by a version the client has after all.
                        found.body().abort();
                        ctx.status(304).header("ETag", meta.eTag());
                        return;
                    }
                    ctx.status(meta.contentRange() != null ? 206 : 200);
                    headers(ctx, meta.contentType(), meta.contentLength(), meta.eTag(), meta.lastModified());
                    if (meta.contentRange() != null) {
                        ctx.header("Content-Range", meta.contentRange());
                    }
                    OutputStream out = ctx.output();
                    byte[] buffer = new byte[COPY_BUFFER_BYTES];
                    for (int n; (n = readFromStorage(in, buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                    }
                    out.flush();
                }
            }
        }
    }

    /**
     * A read of the stored object; a broken storage stream is the backend's failure (503, worth a
     * retry), not Coffer's. Once the answer has begun the client sees the connection cut short
     * instead, which its Content-Length makes detectable.
     */
    private static int readFromStorage(InputStream in, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BACKEND_UNAVAILABLE, "the file's download from storage broke off; retry",
                    null, java.time.Duration.ofSeconds(1), e);
        }
    }

    private void head(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        String path = path(ctx, user);
        Optional<EntityTags> ifNoneMatch = entityTags(ctx, "If-None-Match");
        var meta = store.head(user, path).orElseThrow(FilesRoutes::notFound);
        if (ifNoneMatch.isPresent() && ifNoneMatch.get().weakMatch(meta.eTag())) {
            ctx.status(304).header("ETag", meta.eTag());
            return;
        }
        headers(ctx, meta.contentType(), meta.contentLength(), meta.eTag(), meta.lastModified());
        ctx.status(200);
    }

    private void delete(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        if (!store.delete(user, path(ctx, user))) {
            throw notFound();
        }
        ctx.status(204);
    }

    private void list(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        for (String parameter : ctx.queryParamMap().keySet()) {
            if (!parameter.equals("prefix") && !parameter.equals("cursor") && !parameter.equals("limit")) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "unknown query parameter '" + parameter + "'");
            }
        }
        String prefix = Optional.ofNullable(ctx.queryParam("prefix")).orElse("");
        if (!prefix.isEmpty()) {
            // A prefix is a path, or a path with a trailing '/', or a partial last segment.
            FilePaths.validate(prefix.endsWith("/") ? prefix + "x" : prefix, store.folder(user), "prefix");
        }
        int limit = DEFAULT_PAGE;
        String rawLimit = ctx.queryParam("limit");
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_PAGE) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "limit must be 1.." + MAX_PAGE);
            }
        }
        String binding = "files\u0000" + user + "\u0000" + prefix;
        Optional<String> continuation = Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isEmpty())
                .map(c -> new String(cursors.open(c, binding).orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED,
                        "'cursor' is not valid for this listing: a cursor continues only the listing that returned it")), StandardCharsets.UTF_8));
        FileStore.Listing page = store.list(user, prefix, limit, continuation);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", page.files().stream().map(FilesRoutes::describe).toList());
        body.put("next_cursor", page.nextToken().map(t -> cursors.seal(t.getBytes(StandardCharsets.UTF_8), binding)).orElse(null));
        ctx.json(body);
    }

    /** {@code POST /api/v1/files/presign} body; {@code size} (bytes) is required for PUT. */
    record PresignRequest(@JsonProperty("path") String path, @JsonProperty("method") String method,
                          @JsonProperty("expires_in") Long expiresIn, @JsonProperty("content_type") String contentType,
                          @JsonProperty("size") Long size) {
    }

    /** S3's largest single PutObject, which is what a presigned PUT is. */
    static final long MAX_SINGLE_PUT_BYTES = 5L * 1024 * 1024 * 1024;
    /** What a presigned PUT stores when the client names no type: never rendered as a page. */
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private void presign(Exchange ctx, Caller caller) {
        UserId user = caller.userId();
        PresignRequest request = bodies.read(ctx, PresignRequest.class);
        if (request.path() == null) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'path' is required");
        }
        String path = FilePaths.validate(request.path(), store.folder(user));
        String method = request.method() == null ? "GET" : request.method().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("PUT")) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'method' must be GET or PUT");
        }
        if (request.expiresIn() != null && request.expiresIn() < 1) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'expires_in' must be at least 1 second");
        }
        if (method.equals("GET")) {
            if (request.size() != null) {
                throw new CofferException(ErrorCode.VALIDATION_FAILED, "'size' is for PUT only");
            }
            ctx.json(presigning.presignGet(user, path, Optional.ofNullable(request.expiresIn())));
            return;
        }
        // The URL is signed for one type and one length, so S3 refuses any other: the allow-list
        // and the size limit hold for presigned uploads as for uploads through Coffer.
        String contentType = Optional.ofNullable(request.contentType()).map(FilesRoutes::validMediaType).orElse(DEFAULT_CONTENT_TYPE);
        if (request.contentType() == null && !store.config().allows(contentType)) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'content_type' is required here (allowed: "
                    + String.join(", ", store.config().allowedContentTypes()) + ")");
        }
        checkAllowed(contentType);
        if (request.size() == null || request.size() < 0) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'size' (the file's length in bytes) is required for PUT"
                    + " and must not be negative; the URL only takes a body of exactly that length");
        }
        long limit = Math.min(store.config().maxSizeBytes(), MAX_SINGLE_PUT_BYTES);
        if (request.size() > limit) {
            throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "'size' is over the limit of " + limit + " bytes for a presigned PUT"
                    + (limit == MAX_SINGLE_PUT_BYTES ? " (S3's largest single PUT; upload larger files through Coffer)" : " (files.max_size_bytes)"));
        }
        ctx.json(presigning.presignPut(user, path, Optional.ofNullable(request.expiresIn()), contentType, request.size()));
    }

    private static Map<String, Object> describe(StoredFile file) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("path", file.path());
        body.put("size", file.size());
        body.put("etag", file.etag());
        if (file.contentType() != null) {
            body.put("content_type", file.contentType());
        }
        body.put("updated_at", file.updatedAt().toString());
        return body;
    }

    private static void headers(Exchange ctx, String contentType, Long length, String etag, java.time.Instant modified) {
        ctx.header("Content-Type", contentType == null ? "application/octet-stream" : contentType);
        if (length != null) {
            ctx.header("Content-Length", Long.toString(length));
        }
        if (etag != null) {
            ctx.header("ETag", etag);
        }
        if (modified != null) {
            ctx.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atZone(java.time.ZoneOffset.UTC)));
        }
        ctx.header("Accept-Ranges", "bytes");
        // Stored files are shown as downloads of their own type, never rendered as pages of this
        // origin: attachment, nosniff (set for every answer), and should a browser render one
        // anyway, a sandbox with no scripts, no same origin and nothing to load.
        ctx.header("Content-Disposition", "attachment");
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
    }

    private String path(Exchange ctx, UserId user) {
        String uri = ctx.path();
        String base = BASE + "/";
        if (!uri.startsWith(base)) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "the path is not valid");
        }
        return FilePaths.fromRaw(uri.substring(base.length()), store.folder(user));
    }

    private String contentType(String header) {
        String type = header == null || header.isBlank() ? "application/octet-stream" : validMediaType(header.split(";")[0].trim());
        checkAllowed(type);
        return type;
    }

    private void checkAllowed(String type) {
        if (!store.config().allows(type)) {
            throw new CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "files of type " + type + " are not accepted here (allowed: "
                    + String.join(", ", store.config().allowedContentTypes()) + ")");
        }
    }

    private static String validMediaType(String type) {
        if (!MEDIA_TYPE.matcher(type).matches()) {
            throw new CofferException(ErrorCode.VALIDATION_FAILED, "'" + (type.length() > 64 ? type.substring(0, 64) : type)
                    + "' is not a media type like image/png");
        }
        return type.toLowerCase(Locale.ROOT);
    }

    /**
     * One byte range, as the client sent it or, when a number is beyond any file (up to 19
     * digits pass the pattern, more than a long holds), in the equivalent form every store
     * parses: an end past the file means "to the end", a suffix longer than it the whole file
     * (RFC 9110 14.1.2).
     */
    private static Optional<String> range(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        var m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw new CofferException(ErrorCode.RANGE_NOT_SATISFIABLE, "only one range of the form bytes=START-END is supported");
        }
        Optional<Long> first = m.group(1).isEmpty() ? Optional.empty() : Optional.of(parseOrMax(m.group(1)));
        Optional<Long> last = m.group(2).isEmpty() ? Optional.empty() : Optional.of(parseOrMax(m.group(2)));
        if (first.isPresent() && first.get() == Long.MAX_VALUE) {
            throw new CofferException(ErrorCode.RANGE_NOT_SATISFIABLE, "the range is outside the file");
        }
        if (first.isPresent() && last.isPresent() && first.get() > last.get()) {
            throw new CofferException(ErrorCode.RANGE_NOT_SATISFIABLE, "the range ends before it starts");
        }
        if (last.isPresent() && last.get() == Long.MAX_VALUE) {
            return Optional.of("bytes=" + first.orElse(0L) + "-");
        }
        return Optional.of(header.trim());
    }

    /** A byte position of up to 19 digits; Long.MAX_VALUE for one beyond any file. */
    private static long parseOrMax(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** A precondition header's entity tags; absent when not sent, 400 naming it when malformed. */
    private static Optional<EntityTags> entityTags(Exchange ctx, String header) {
        String value = ctx.header(header);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(EntityTags.parse(value).orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED,
                "'" + header + "' must be * or a list of ETags like \"abc\"")));
    }

    private static CofferException notFound() {
        return new CofferException(ErrorCode.NOT_FOUND, "no such file");
    }
}
