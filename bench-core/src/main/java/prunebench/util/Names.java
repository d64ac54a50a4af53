package prunebench.util;

import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Collectors;

/** Messages for unknown names: list the valid ones and suggest the closest. */
public final class Names {
    private Names() {}

    public static String unknown(String what, String given, Collection<String> valid) {
        String closest = closest(given, valid);
        String list = valid.stream().sorted().collect(Collectors.joining(", "));
        return "unknown " + what + " '" + given + "'" + (closest != null ? " (did you mean '" + closest + "'?)" : "")
                + "; valid: " + list;
    }

    /** The valid name within edit distance 3 (or a third of the length) of {@code given}, if any. */
    public static String closest(String given, Collection<String> valid) {
        if (given == null) {
            return null;
        }
        return valid.stream()
                .min(Comparator.comparingInt((String v) -> distance(given.toLowerCase(), v.toLowerCase())))
                .filter(v -> distance(given.toLowerCase(), v.toLowerCase()) <= Math.max(3, given.length() / 3))
                .orElse(null);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
