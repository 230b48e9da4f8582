package dev.coffer.files;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.http.PathDecoding;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * File paths are hostile input, and what is stored must be listable and deletable later (account
 * deletion lists and deletes every object of a user). A path is decoded from the raw request URI
 * exactly once, as strict UTF-8, and refused (400 {@code validation_failed}, the detail naming the
 * path) when it:
 *
 * <ul>
 *   <li>is empty, absolute, has empty, {@code .} or {@code ..} segments, or backslashes (names
 *       that walk out of the user's folder, or that S3 clients and S3Proxy resolve as relative);</li>
 *   <li>has control characters (C0, DEL, C1), unpaired surrogates or Unicode noncharacters
 *       (U+FDD0..U+FDEF and U+xFFFE/U+xFFFF in every plane): XML 1.0, which S3's listing and
 *       multi-object delete speak, cannot carry most of them, so such a file could be written but
 *       never listed or deleted in a batch;</li>
 *   <li>has a segment over {@value #MAX_SEGMENT_BYTES} bytes of UTF-8: S3Proxy's filesystem store
 *       (the embedded default) keeps each segment as a file name, and file systems hold 255 bytes,
 *       less what S3Proxy adds for temporary and multipart files (measured: a last segment of 214
 *       bytes already fails on ext4);</li>
 *   <li>makes the whole key ({@code <prefix><user_id>/<path>}) longer than {@value #MAX_KEY_BYTES}
 *       bytes, S3's limit;</li>
 *   <li>is not in Unicode NFC (two spellings of one name would be two files).</li>
 * </ul>
 *
 * What passes can only name a key inside the caller's own folder, and round-trips through upload,
 * listing and deletion on S3 and S3Proxy.
 */
final class FilePaths {
    /** S3's longest object key, in bytes of UTF-8. */
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_SEGMENT_BYTES = 200;

    private FilePaths() {
    }

    /** Decodes and validates a percent-encoded path as it appears in the request URI; {@code folder} is the user's key prefix. */
    static String fromRaw(String raw, String folder) {
        return validate(PathDecoding.strict(raw), folder);
    }

    /** Validates an already decoded path (from a JSON body or a query parameter) for a key under {@code folder}. */
    static String validate(String path, String folder) {
        return validate(path, folder, "path");
    }

    /** As {@link #validate(String, String)}, naming {@code field} (e.g. a listing's {@code prefix}) when too long. */
    static String validate(String path, String folder, String field) {
        if (path == null || path.isEmpty()) {
            throw invalid("the path is empty");
        }
        int room = MAX_KEY_BYTES - folder.getBytes(StandardCharsets.UTF_8).length;
        if (path.getBytes(StandardCharsets.UTF_8).length > room) {
            throw invalid("'" + field + "' is longer than " + room + " bytes (S3 keys are at most " + MAX_KEY_BYTES
                    + " bytes, the user's folder included)");
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
        if (path.codePoints().anyMatch(FilePaths::surrogate)) {
            // Strict UTF-8 decoding cannot produce one; a JSON body's \\uD800 escape can.
            throw invalid("the path must not contain unpaired surrogates");
        }
        if (path.codePoints().anyMatch(FilePaths::noncharacter)) {
            throw invalid("the path must not contain Unicode noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the last two of every plane)");
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
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw invalid("each segment of the path must be at most " + MAX_SEGMENT_BYTES + " bytes");
            }
        }
        return path;
    }

    /** A code point of a surrogate half: only ever alone, since {@link String#codePoints} pairs the others. */
    static boolean surrogate(int codePoint) {
        return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
    }

    /** The 66 code points Unicode reserves as never to be interchanged. */
    static boolean noncharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }

    private static CofferException invalid(String detail) {
        return new CofferException(ErrorCode.VALIDATION_FAILED, detail);
    }
}
