package dev.coffer.usage;

import dev.coffer.identity.UserId;

/**
 * What the files piece tells usage. Objects live in S3, outside any DynamoDB transaction, so an
 * upload reserves its size (and one more file, unless it replaces one) before S3 has it, and
 * releases the reservation when S3 did not take it; a presigned PUT reserves when its URL is
 * issued.
 */
public interface FileMeter {
    FileMeter NONE = new FileMeter() {
        @Override
        public Reservation reserve(UserId user, long filesDelta, long bytesDelta) {
            return Reservation.NONE;
        }

        @Override
        public void deleted(UserId user, long bytes) {
        }
    };

    /**
     * Counts {@code filesDelta} more files (1 for a new path, 0 for a replacement) and
     * {@code bytesDelta} more bytes (negative when a replacement is smaller); refused with
     * {@code quota_exceeded} (413 for bytes, 429 for the number of files) when that would pass
     * the user's quota.
     */
    Reservation reserve(UserId user, long filesDelta, long bytesDelta);

    /** After a file of {@code bytes} was deleted. */
    void deleted(UserId user, long bytes);
}
