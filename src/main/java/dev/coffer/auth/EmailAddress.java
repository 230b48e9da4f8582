package dev.coffer.auth;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An email address as the user typed it and as Coffer matches it. Registration and login both
 * go through {@link #parse}, so one rule decides what is an address and which addresses are the
 * same account.
 *
 * <p>{@link #typed} is what the user sent, surrounding whitespace stripped and in Unicode NFC; it
 * is what the profile shows and the users table's {@code email} holds. {@link #key} is what makes
 * an account unique and what login looks up: the typed form lower-cased as a whole (local part
 * too) and NFC again, so {@code Alice@Example.com} and {@code alice@example.com} are one account.
 * {@link #legacyKey} is how Coffer matched before: trimmed, only the domain lower-cased; accounts
 * registered then are still found by it (see {@link AccountStore#byEmail}).
 *
 * <p>Refused with 400 naming {@code email}: missing, over 254 characters, not shaped like
 * {@code local@domain.tld} (the domain in ASCII, e.g. punycode), or containing invisible
 * characters: control and format characters (zero-width spaces and joiners, the BOM, soft
 * hyphens, bidi controls), separators inside the address, unpaired surrogates.
 */
record EmailAddress(String typed, String key, String legacyKey) {
    static final int MAX_LENGTH = 254;
    private static final Pattern SHAPE = Pattern.compile("[^\\s@]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+");

    EmailAddress {
        Objects.requireNonNull(typed, "typed");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(legacyKey, "legacyKey");
    }

    /** The address in {@code raw}, or a 400 {@code validation_failed} naming {@code email}. */
    static EmailAddress parse(String raw) {
        if (raw == null) {
            throw invalid("'email' is required");
        }
        String stripped = raw.strip();
        if (stripped.isEmpty()) {
            throw invalid("'email' is required");
        }
        if (stripped.length() > MAX_LENGTH) {
            throw invalid("'email' must be at most " + MAX_LENGTH + " characters");
        }
        if (stripped.codePoints().anyMatch(EmailAddress::invisible)) {
            throw invalid("'email' must not contain invisible characters (control, zero-width, bidi or other format characters)");
        }
        String typed = Normalizer.normalize(stripped, Normalizer.Form.NFC);
        String key = keyOf(typed);
        if (key.length() > MAX_LENGTH || !SHAPE.matcher(key).matches()) {
            throw invalid("'email' is not a valid email address");
        }
        String legacyKey = legacyKeyOf(raw);
        // Old keys were never longer than the limit either; this only bounds the read.
        return new EmailAddress(typed, key, legacyKey.length() > MAX_LENGTH ? key : legacyKey);
    }

    /**
     * The matching key of an address already stored (no validation: stored data is never
     * refused). The same function {@link #parse} uses.
     */
    static String keyOf(String address) {
        String nfc = Normalizer.normalize(address.strip(), Normalizer.Form.NFC);
        // Lower-casing can decompose (U+0130 becomes i and a combining dot): normalise again.
        return Normalizer.normalize(nfc.toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
    }

    /** How Coffer keyed addresses before keys were case-insensitive: trimmed, domain lower-cased. */
    static String legacyKeyOf(String raw) {
        String trimmed = raw.trim();
        int at = trimmed.lastIndexOf('@');
        return at < 0 ? trimmed : trimmed.substring(0, at) + "@" + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Characters that do not show, or change how the rest shows, or look like a plain space
     * without being one: never part of an address. (A plain space is simply malformed.)
     */
    private static boolean invisible(int codePoint) {
        return codePoint != ' ' && switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> true;
            default -> false;
        };
    }

    private static CofferException invalid(String detail) {
        return new CofferException(ErrorCode.VALIDATION_FAILED, detail);
    }

    /** Addresses are personal data: logs name accounts by id instead. */
    @Override
    public String toString() {
        return "EmailAddress[****]";
    }
}
