package prunebench.prune;

import java.util.Arrays;

/**
 * Exact top-k selection on scores: keeps exactly k entries, ties broken by position (earlier first), NaN and
 * excluded entries never chosen before finite ones. Scores are sorted as packed longs (order-preserving float bits,
 * inverted index) so that even a million weights sort in milliseconds without boxing.
 */
public final class TopK {
    private TopK() {}

    /**
     * Marks the {@code k} highest of {@code scores} among entries where {@code eligible} is true.
     *
     * @return a 0/1 mask of the same length
     */
    public static float[] select(float[] scores, boolean[] eligible, long k) {
        int n = scores.length;
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
            // High word: score (descending after sort reversal); low word: inverted index so earlier wins ties.
            keys[i] = ((long) bits << 32) | (0xFFFFFFFFL & ~i);
        }
        Arrays.sort(keys);
        float[] mask = new float[n];
        for (int j = 0; j < k && j < n; j++) {
            long key = keys[n - 1 - j];
            int idx = ~(int) key;
            mask[idx] = 1f;
        }
        return mask;
    }
}
