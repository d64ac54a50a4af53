package prunebench.strategies.dynamic;

import java.util.ArrayList;
import java.util.List;

/**
 * One mask update of sparse momentum (Dettmers &amp; Zettlemoyer 2019), as {@code Masking.truncate_weights} of
 * TimDettmers/sparse_learning computes it with its defaults (magnitude prune, momentum growth, momentum
 * redistribution):
 * <ol>
 *   <li>each layer's share is the mean |momentum| of its active weights, normalised over the layers;</li>
 *   <li>a layer's prune rate is the current rate, except that a layer less than 20% sparse whose share exceeds 1/L
 *       (still growing) prunes at most its sparsity ({@code adjust_prune_rate});</li>
 *   <li>each layer drops ceil(rate * active) of its active weights of smallest |w|;</li>
 *   <li>the total dropped is redistributed by share, each layer capped at 0.99 of its free places with the excess
 *       spread evenly over all layers ({@code calc_growth_redistribution}, its loop of up to 1000 rounds);</li>
 *   <li>each layer grows its count where |momentum| is largest among its inactive places (the just dropped
 *       included).</li>
 * </ol>
 * Where this differs from the code: the reference floors each layer's real-valued regrowth and corrects the lost
 * remainder at the next update by an exponential smoothing ({@code adjusted_growth}); here the floors' remainder is
 * given at once by largest remainder, so the active count is exactly constant and nothing is carried between updates.
 */
final class MomentumRedistribution {
    /** A layer at most this sparse whose share is above average prunes at most its sparsity. */
    static final double DENSE_LAYER = 0.2;

    private MomentumRedistribution() {}

    /**
     * @param tieOrders per tensor, the order that ranks equal scores (null: by position)
     */
    static Reallocation.Rewired update(List<float[]> weights, List<float[]> masks, List<float[]> momentum,
            double rate, List<int[]> tieOrders) {
        int n = masks.size();
        long[] nonzeros = new long[n];
        long[] zeros = new long[n];
        double[] share = new double[n];
        double total = 0;
        for (int l = 0; l < n; l++) {
            float[] m = masks.get(l);
            nonzeros[l] = Reallocation.active(m);
            zeros[l] = m.length - nonzeros[l];
            double sum = 0;
            for (int i = 0; i < m.length; i++) {
                if (m[i] > 0) {
                    sum += Math.abs(momentum.get(l)[i]);
                }
            }
            share[l] = nonzeros[l] == 0 ? 0 : sum / nonzeros[l];
            total += share[l];
        }
        double[] rates = new double[n];
        for (int l = 0; l < n; l++) {
            share[l] = total == 0 ? 1.0 / n : share[l] / total;
            rates[l] = rate;
            double sparsity = (double) zeros[l] / masks.get(l).length;
            if (sparsity < DENSE_LAYER && share[l] > 1.0 / n) {
                rates[l] = Math.min(sparsity, rate);
            }
        }
        List<float[]> pruned = new ArrayList<>();
        long[] removed = new long[n];
        long totalRemoved = 0;
        for (int l = 0; l < n; l++) {
            removed[l] = (long) Math.ceil(rates[l] * nonzeros[l]);
            pruned.add(Reallocation.keepLargest(weights.get(l), masks.get(l), nonzeros[l] - removed[l],
                    tieOrders.get(l)));
            totalRemoved += removed[l];
        }
        long[] regrowth = regrowth(share, zeros, removed, totalRemoved);
        List<float[]> out = new ArrayList<>();
        long grown = 0;
        for (int l = 0; l < n; l++) {
            float[] p = pruned.get(l);
            float[] magnitude = new float[p.length];
            boolean[] candidate = new boolean[p.length];
            for (int i = 0; i < p.length; i++) {
                magnitude[i] = Math.abs(momentum.get(l)[i]);
                candidate[i] = p[i] == 0;
            }
            float[] next = Reallocation.growTop(p, magnitude, candidate, regrowth[l], tieOrders.get(l));
            for (int i = 0; i < next.length; i++) {
                if (next[i] > 0 && masks.get(l)[i] == 0) {
                    grown++;
                }
            }
            out.add(next);
        }
        return new Reallocation.Rewired(out, grown);
    }

    /**
     * Per-layer regrowth: the reference's real-valued redistribution, floored, with the floors' remainder given by
     * largest remainder (within each layer's free places) so that the counts add up to {@code totalRemoved}.
     */
    static long[] regrowth(double[] share, long[] zeros, long[] removed, long totalRemoved) {
        int n = share.length;
        double[] real = new double[n];
        boolean[] set = new boolean[n];
        double residual = 9999;
        double meanResidual = 0;
        for (int round = 0; residual > 0 && round < 1000; round++) {
            residual = 0;
            for (int l = 0; l < n; l++) {
                double max = zeros[l] + removed[l];
                double r = (set[l] ? real[l] : Math.ceil(share[l] * totalRemoved)) + meanResidual;
                set[l] = true;
                if (r > 0.99 * max) {
                    real[l] = 0.99 * max;
                    residual += r - real[l];
                } else {
                    real[l] = r;
                }
            }
            meanResidual = residual / n;
        }
        long[] out = new long[n];
        long sum = 0;
        double[] remainder = new double[n];
        long[] room = new long[n];
        for (int l = 0; l < n; l++) {
            out[l] = (long) Math.floor(real[l]);
            remainder[l] = real[l] - out[l];
            room[l] = zeros[l] + removed[l] - out[l];
            sum += out[l];
        }
        if (sum < totalRemoved) {
            long[] extra = Reallocation.proportional(remainder, room, totalRemoved - sum);
            for (int l = 0; l < n; l++) {
                out[l] += extra[l];
            }
        }
        // The ceilings can ask for more than was removed: take the excess back, smallest remainder first.
        Integer[] order = new Integer[n];
        for (int l = 0; l < n; l++) {
            order[l] = l;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(remainder[a], remainder[b]));
        for (int k = 0; sum > totalRemoved && k < 1000 * n; k++) {
            int l = order[k % n];
            if (out[l] > 0) {
                out[l]--;
                sum--;
            }
        }
        return out;
    }
}
