package prunebench.strategies.dynamic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One reallocation of dynamic sparse reparameterization (Mostafa &amp; Wang 2019), as {@code train} in
 * IntelAI/dynamic-reparameterization runs it with {@code --threshold-prune --rewire-scaling}:
 * <ol>
 *   <li>every tensor drops its active weights with |w| below the global threshold H ({@code prune_threshold}), but
 *       keeps one if it would lose all (the first active place);</li>
 *   <li>the number dropped K is given back to the tensors in proportion to the weights each still has
 *       ({@code rewire_scaling}: the mean pruned fraction times each tensor's survivors, normalised);</li>
 *   <li>each tensor grows its count at random among its inactive places, not those it just dropped
 *       ({@code grow_random} with the pruned indices excluded); a tensor without room passes its excess on;</li>
 *   <li>H is halved when K exceeded (1 + tolerance) Np and doubled when it fell below (1 - tolerance) Np.</li>
 * </ol>
 * Where this differs from the code: the reference rounds the per-tensor counts with {@code np.round} and adds the
 * rounding discrepancy to a random tensor; here the counts are rounded by largest remainder (the same total, no
 * draw).
 */
final class ThresholdReallocation {
    private ThresholdReallocation() {}

    /** The rewiring and the number of weights the threshold removed (K). */
    record Result(Reallocation.Rewired rewired, long pruned) {}

    /** @param randoms per tensor, the generator of its random growth */
    static Result update(List<float[]> weights, List<float[]> masks, double threshold, List<Random> randoms) {
        int n = masks.size();
        List<float[]> kept = new ArrayList<>();
        long[] pruned = new long[n];
        long[] survivors = new long[n];
        long[] room = new long[n];
        long total = 0;
        for (int l = 0; l < n; l++) {
            float[] w = weights.get(l);
            float[] m = masks.get(l);
            float[] k = m.clone();
            int first = -1;
            for (int i = 0; i < m.length; i++) {
                if (m[i] > 0 && Math.abs(w[i]) < threshold) {
                    k[i] = 0;
                    pruned[l]++;
                    if (first < 0) {
                        first = i;
                    }
                }
            }
            if (pruned[l] > 0 && Reallocation.active(k) == 0) { // "removing all. keeping one"
                k[first] = 1;
                pruned[l]--;
            }
            survivors[l] = Reallocation.active(k);
            room[l] = m.length - survivors[l] - pruned[l];
            total += pruned[l];
            kept.add(k);
        }
        double[] share = new double[n];
        for (int l = 0; l < n; l++) {
            share[l] = survivors[l];
        }
        long[] grow = Reallocation.proportional(share, room, total);
        List<float[]> out = new ArrayList<>();
        long grown = 0;
        for (int l = 0; l < n; l++) {
            float[] k = kept.get(l);
            float[] m = masks.get(l);
            int[] free = new int[(int) room[l]];
            int f = 0;
            for (int i = 0; i < k.length; i++) {
                if (m[i] == 0) { // inactive before: neither kept nor just dropped
                    free[f++] = i;
                }
            }
            Random random = randoms.get(l);
            for (int j = 0; j < grow[l]; j++) { // a partial Fisher-Yates shuffle: grow[l] distinct random places
                int pick = j + random.nextInt(free.length - j);
                int t = free[j];
                free[j] = free[pick];
                free[pick] = t;
                k[free[j]] = 1;
                grown++;
            }
            out.add(k);
        }
        return new Result(new Reallocation.Rewired(out, grown), total);
    }

    /** H after a reallocation that removed {@code pruned} weights, for a target of {@code target} per update. */
    static double nextThreshold(double threshold, long pruned, double target, double tolerance) {
        if (pruned > (1 + tolerance) * target) {
            return threshold / 2;
        }
        if (pruned < (1 - tolerance) * target) {
            return threshold * 2;
        }
        return threshold;
    }
}
