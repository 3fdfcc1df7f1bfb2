package io.handoff.core.config;

import java.util.Collection;
import java.util.Optional;

/**
 * Finds the known name closest to a mistyped one (Levenshtein distance), for "did you mean" hints.
 */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * Return the candidate closest to {@code typed}, the first in iteration order on a tie.
     *
     * @param typed what the user wrote
     * @param candidates the known names
     * @return the closest, empty when there are no candidates
     */
    public static Optional<String> closest(String typed, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(typed, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Return the Levenshtein distance of two strings (insertions, deletions and substitutions). */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
