package dev.coffer.support;

/** Shapes of values that are safe to show in place of identifiers that must not be shown whole. */
public final class Masking {
    private Masking() {
    }

    /**
     * Masks an access key id as {@code ASIA****WXYZ}: the prefix tells long-lived from temporary
     * keys and the suffix tells keys apart, the middle never shows.
     */
    public static String accessKeyId(String keyId) {
        if (keyId == null || keyId.isEmpty()) {
            return "";
        }
        if (keyId.length() <= 8) {
            return "****";
        }
        return keyId.substring(0, 4) + "****" + keyId.substring(keyId.length() - 4);
    }
}
