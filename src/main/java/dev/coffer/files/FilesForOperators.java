package dev.coffer.files;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.Exchange;
import dev.coffer.identity.UserId;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the operator console reads of the files piece: a page of one user's files with their type
 * (a HEAD each: a listing does not carry it), how many files and bytes a user has (the deletion
 * confirmation), and a download as an attachment. Reads only; deleting goes through account deletion.
 */
public final class FilesForOperators {
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    private final FileStore store;

    FilesForOperators(FileStore store) {
        this.store = store;
    }

    /** One file as the console lists it. */
    public record FileEntry(String path, long size, @JsonProperty("content_type") String contentType, Instant modified) {
    }

    public record FilePage(List<FileEntry> files, Optional<String> nextToken) {
    }

    /** A user's files and their total size. */
    public record Totals(long files, long bytes) {
    }

    public FilePage list(UserId user, Optional<String> continuation, int limit) {
        FileStore.Listing listing = store.list(user, "", limit, continuation);
        var files = new ArrayList<FileEntry>();
        for (StoredFile file : listing.files()) {
            String type = store.head(user, file.path()).map(h -> h.contentType()).orElse("application/octet-stream");
            files.add(new FileEntry(file.path(), file.size(), type, file.updatedAt()));
        }
        return new FilePage(files, listing.nextToken());
    }

    public Totals totals(UserId user) {
        long count = 0;
        long bytes = 0;
        Optional<String> next = Optional.empty();
        do {
            FileStore.Listing listing = store.list(user, "", 1000, next);
            for (StoredFile file : listing.files()) {
                count++;
                bytes += file.size();
            }
            next = listing.nextToken();
        } while (next.isPresent());
        return new Totals(count, bytes);
    }

    /** Streams {@code user}'s file at the percent-encoded {@code rawPath} as an attachment. */
    public void download(UserId user, String rawPath, Exchange ctx) throws Exception {
        String path = FilePaths.fromRaw(rawPath, store.folder(user));
        switch (store.open(user, path, Optional.empty())) {
            case FileStore.Read.Missing m -> throw new CofferException(ErrorCode.NOT_FOUND, "no such file");
            case FileStore.Read.RangeNotSatisfiable r -> throw new CofferException(ErrorCode.NOT_FOUND, "no such file");
            case FileStore.Read.Found found -> {
                try (InputStream in = found.body()) {
                    var meta = found.body().response();
                    String name = path.substring(path.lastIndexOf('/') + 1);
                    ctx.header("Content-Type", meta.contentType() == null ? "application/octet-stream" : meta.contentType());
                    ctx.header("Content-Length", Long.toString(meta.contentLength()));
                    // Never rendered by the browser in the console's origin: always a download.
                    ctx.header("Content-Disposition", "attachment; filename*=UTF-8''"
                            + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
                    OutputStream out = ctx.output();
                    byte[] buffer = new byte[COPY_BUFFER_BYTES];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                    }
                    out.flush();
                }
            }
        }
    }
}
