package dev.coffer.files;

import java.time.Instant;

/** What the API says about a stored file; {@code path} is relative to the caller's folder. */
record StoredFile(String path, long size, String etag, String contentType, Instant updatedAt) {
}
