package prunebench.prune;

import java.util.Arrays;
import java.util.Random;

/**
 * Exact top-k selection on scores: keeps exactly k entries, ties broken by position (earlier first) or by a given
 * order, NaN and excluded entries never chosen before finite ones. Scores are sorted as packed longs
 * (order-preserving float bits, inverted rank) so that even a million weights sort in milliseconds without boxing.
 */
public final class TopK {
    private TopK() {}

    /**
     * Marks the {@code k} highest of {@code scores} among entries where {@code eligible} is true.
     *
     * @return a 0/1 mask of the same length
     */
    public static float[] select(float[] scores, boolean[] eligible, long k) {
        return select(scores, eligible, k, null);
    }

    /**
     * Like {@link #select(float[], boolean[], long)}, but equal scores are ranked by {@code tieOrder} (a permutation of
     * the positions; the lower rank is kept first) instead of by position: with a seeded random permutation, ties are
     * broken without favouring the first rows of a tensor, and the same way on every rerun.
     */
    public static float[] select(float[] scores, boolean[] eligible, long k, int[] tieOrder) {
        int n = scores.length;
        if (tieOrder != null && tieOrder.length != n) {
            throw new IllegalArgumentException("tieOrder has " + tieOrder.length + " entries for " + n + " scores");
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            float s = scores[i];
            int bits;
            if (!eligible[i]) {
                bits = Integer.MIN_VALUE; // below everything
            } else if (Float.isNaN(s)) {
                bits = Integer.MIN_VALUE + 1;
            } else {
                int raw = Float.floatToIntBits(s == 0f ? 0f : s); // -0 == +0
                bits = raw >= 0 ? raw : raw ^ 0x7FFFFFFF; // monotone in the float's value
                bits = Math.max(bits, Integer.MIN_VALUE + 2);
            }
            // High word: score (descending after sort reversal); low word: inverted rank so the lower rank wins ties.
            int rank = tieOrder == null ? i : tieOrder[i];
            keys[i] = ((long) bits << 32) | (0xFFFFFFFFL & ~rank);
        }
        Arrays.sort(keys);
        int[] position = tieOrder == null ? null : new int[n];
        if (position != null) {
            for (int i = 0; i < n; i++) {
                position[tieOrder[i]] = i;
            }
        }
        float[] mask = new float[n];
        for (int j = 0; j < k && j < n; j++) {
            long key = keys[n - 1 - j];
            int rank = ~(int) key;
            mask[position == null ? rank : position[rank]] = 1f;
        }
        return mask;
    }

    /** A random permutation of 0..n-1 drawn from {@code random}, for {@link #select(float[], boolean[], long, int[])}. */
    public static int[] randomOrder(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
