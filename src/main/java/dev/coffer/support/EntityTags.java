package dev.coffer.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The value of an {@code If-Match} or {@code If-None-Match} header (RFC 9110 13.1.1, 13.1.2):
 * {@code *}, or a comma-separated list of entity tags like {@code "3"} or {@code W/"3"}.
 * {@code If-Match} compares strongly ({@link #strongMatch}: a weak tag matches nothing), and
 * {@code If-None-Match} weakly ({@link #weakMatch}: {@code W/"3"} matches {@code "3"}).
 *
 * @param any  the value was {@code *}: any current representation matches
 * @param tags the listed tags; empty when {@code any}
 */
public record EntityTags(boolean any, List<Tag> tags) {
    /** One entity tag: its opaque part (between the quotes) and whether it was marked weak. */
    public record Tag(boolean weak, String opaque) {
    }

    public EntityTags {
        tags = List.copyOf(tags);
    }

    /** The header's tags; empty when the value is not {@code *} or a list of entity tags. */
    public static Optional<EntityTags> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.equals("*")) {
            return Optional.of(new EntityTags(true, List.of()));
        }
        var tags = new ArrayList<Tag>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            char ch = value.charAt(i);
            // A list may have empty elements and spaces around its commas (RFC 9110 5.6.1).
            if (ch == ',' || ch == ' ' || ch == '\t') {
                i++;
                continue;
            }
            boolean weak = value.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            if (open >= n || value.charAt(open) != '"') {
                return Optional.empty();
            }
            int close = open + 1;
            while (close < n && isTagCharacter(value.charAt(close))) {
                close++;
            }
            if (close >= n || value.charAt(close) != '"') {
                return Optional.empty();
            }
            tags.add(new Tag(weak, value.substring(open + 1, close)));
            i = close + 1;
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && value.charAt(i) != ',') {
                return Optional.empty();
            }
        }
        return tags.isEmpty() ? Optional.empty() : Optional.of(new EntityTags(false, tags));
    }

    /**
     * Strong comparison with the current entity tag {@code etag} (as sent in {@code ETag}, e.g.
     * {@code "3"}): true for {@code *}, or for a listed tag that is not weak and whose opaque part
     * equals the current one, which must be strong itself.
     */
    public boolean strongMatch(String etag) {
        if (any) {
            return true;
        }
        Optional<Tag> current = parse(etag).filter(t -> t.tags().size() == 1).map(t -> t.tags().get(0));
        return current.isPresent() && !current.get().weak()
                && tags.stream().anyMatch(t -> !t.weak() && t.opaque().equals(current.get().opaque()));
    }

    /** Weak comparison with the current entity tag: opaque parts equal, weakness ignored; true for {@code *}. */
    public boolean weakMatch(String etag) {
        if (any) {
            return true;
        }
        Optional<Tag> current = parse(etag).filter(t -> t.tags().size() == 1).map(t -> t.tags().get(0));
        return current.isPresent() && tags.stream().anyMatch(t -> t.opaque().equals(current.get().opaque()));
    }

    /** etagc: '!' and '#' to '~', and obs-text (RFC 9110 8.8.3). */
    private static boolean isTagCharacter(char ch) {
        return ch == 0x21 || (ch >= 0x23 && ch <= 0x7e) || (ch >= 0x80 && ch <= 0xff);
    }
}
