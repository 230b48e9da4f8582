package dev.coffer.files;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.PathDecoding;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * File paths are hostile input. A path is decoded from the raw request URI exactly once, as
 * strict UTF-8, and refused (400) when it is absolute, has empty, {@code .} or {@code ..}
 * segments, backslashes, control characters, is over 1024 bytes, or is not in Unicode NFC.
 * What passes can only name a key inside the caller's own folder.
 */
final class FilePaths {
    static final int MAX_BYTES = 1024;

    private FilePaths() {
    }

    /** Decodes and validates a percent-encoded path as it appears in the request URI. */
    static String fromRaw(String raw) {
        return validate(PathDecoding.strict(raw));
    }

    /** Validates an already decoded path (from a JSON body or a query parameter). */
    static String validate(String path) {
        if (path == null || path.isEmpty()) {
            throw invalid("the path is empty");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw invalid("the path is longer than 1024 bytes");
        }
        if (path.startsWith("/")) {
            throw invalid("the path must be relative (no leading '/')");
        }
        if (path.indexOf('\\') >= 0) {
            throw invalid("the path must not contain backslashes");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))) {
            throw invalid("the path must not contain control characters");
        }
        if (!Normalizer.isNormalized(path, Normalizer.Form.NFC)) {
            throw invalid("the path must be Unicode NFC-normalised");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw invalid("the path must not have empty segments ('//' or a trailing '/')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid("the path must not have '.' or '..' segments");
            }
        }
        return path;
    }

    private static CofferException invalid(String detail) {
        return new CofferException(ErrorCode.VALIDATION_FAILED, detail);
    }
}
