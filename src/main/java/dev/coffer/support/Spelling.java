package dev.coffer.support;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The nearest known name to a misspelt one, for "did you mean ...?" in messages (unknown flags,
 * environment variables nobody reads). Distance is the optimal string alignment distance
 * (insertions, deletions, substitutions and transpositions of neighbours each cost 1), so
 * {@code --prot} is one step from {@code --port}. Stateless.
 */
public final class Spelling {
    private Spelling() {
    }

    /**
     * The candidate nearest to {@code word}, when it is reasonably close: at most a quarter of the
     * word's length away (at least 1, at most 3 edits). Ties go to the alphabetically first
     * candidate, so the answer does not depend on the order of {@code candidates}.
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        int allowed = Math.max(1, Math.min(3, word.length() / 4));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(candidates)) {
            int d = distance(word, candidate);
            if (d < bestDistance && !candidate.equals(word)) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Optimal string alignment distance between {@code a} and {@code b}. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
