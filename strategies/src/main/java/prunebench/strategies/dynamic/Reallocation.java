package prunebench.strategies.dynamic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import prunebench.prune.TopK;

/**
 * Pieces shared by the strategies that move connections between layers (SNFS, DSR): drops and growth inside one
 * tensor, and integer counts that add up exactly. Pure functions on flat arrays, so that their hand-worked cases are
 * tests of their own.
 */
final class Reallocation {
    private Reallocation() {}

    /** A rewiring of all tensors: the new 0/1 masks and the connections grown that were not active before. */
    record Rewired(List<float[]> masks, long grown) {}

    static long active(float[] mask) {
        long n = 0;
        for (float m : mask) {
            n += m > 0 ? 1 : 0;
        }
        return n;
    }

    /** Keeps the {@code keep} active entries of largest |w| (ties by {@code tieOrder}, or position when null). */
    static float[] keepLargest(float[] weights, float[] mask, long keep, int[] tieOrder) {
        float[] magnitude = new float[weights.length];
        boolean[] active = new boolean[weights.length];
        for (int i = 0; i < weights.length; i++) {
            magnitude[i] = Math.abs(weights[i]);
            active[i] = mask[i] > 0;
        }
        return TopK.select(magnitude, active, keep, tieOrder);
    }

    /** {@code mask} plus the {@code count} entries of highest score among those where {@code candidate} is true. */
    static float[] growTop(float[] mask, float[] scores, boolean[] candidate, long count, int[] tieOrder) {
        float[] grow = TopK.select(scores, candidate, count, tieOrder);
        float[] out = mask.clone();
        for (int i = 0; i < out.length; i++) {
            if (grow[i] > 0) {
                out[i] = 1;
            }
        }
        return out;
    }

    /**
     * Integer shares of {@code total} proportional to {@code weights} (largest remainder, ties to the earlier tensor),
     * none above its {@code capacity}: what a tensor cannot take goes to the others in proportion to their weights
     * again. The counts add up to {@code total} unless all capacity is used.
     */
    static long[] proportional(double[] weights, long[] capacity, long total) {
        int n = weights.length;
        long[] out = new long[n];
        long left = total;
        boolean[] full = new boolean[n];
        while (left > 0) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                full[i] = out[i] >= capacity[i];
                if (!full[i]) {
                    sum += Math.max(0, weights[i]);
                }
            }
            if (sum == 0) { // no weight where there is room: spread evenly over those with room
                double[] even = new double[n];
                boolean room = false;
                for (int i = 0; i < n; i++) {
                    even[i] = full[i] ? 0 : 1;
                    room |= !full[i];
                }
                if (!room) {
                    break;
                }
                return add(out, proportional(even, minus(capacity, out), left));
            }
            double[] exact = new double[n];
            long[] share = new long[n];
            long given = 0;
            for (int i = 0; i < n; i++) {
                exact[i] = full[i] ? 0 : left * Math.max(0, weights[i]) / sum;
                share[i] = (long) Math.floor(exact[i]);
                given += share[i];
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(exact[b] - share[b], exact[a] - share[a]));
            for (int k = 0; given < left && k < n; k++) {
                if (!full[order[k]] && weights[order[k]] > 0) {
                    share[order[k]]++;
                    given++;
                }
            }
            long placed = 0;
            for (int i = 0; i < n; i++) {
                long take = Math.min(share[i], capacity[i] - out[i]);
                out[i] += take;
                placed += take;
            }
            left -= placed;
            if (placed == 0) {
                break;
            }
        }
        return out;
    }

    private static long[] add(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private static long[] minus(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    static List<float[]> copies(List<float[]> arrays) {
        List<float[]> out = new ArrayList<>();
        arrays.forEach(a -> out.add(a.clone()));
        return out;
    }
}
