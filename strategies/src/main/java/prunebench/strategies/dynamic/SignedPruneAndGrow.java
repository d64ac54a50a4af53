package prunebench.strategies.dynamic;

import prunebench.prune.TopK;

/**
 * One tensor's rewiring as Mocanu et al. 2018 (SET) remove and regrow: the fraction zeta of the smallest positive
 * weights and, separately, the fraction zeta of the largest negative weights (those closest to zero on each side)
 * are removed, d+ = floor(zeta * positives) and d- = floor(zeta * negatives); active weights that are exactly zero
 * are removed too (they lie between both thresholds in the reference, which keeps only {@code w < largestNegative}
 * or {@code w > smallestPositive}). As many connections as were removed then grow at the highest growth scores
 * (random ones for SET) among all but the kept, the just-removed included. Every grown connection restarts from
 * zero, also a removed one that is drawn again: in the reference's Keras script the new mask is applied to weights
 * already multiplied by the kept-only mask ({@code w1[0] * wm1Core}). The active count is unchanged. Ties go by the
 * given order, else to the earlier position, as in {@link TopK}.
 *
 * <p>Where the reference differs (dcmocanu/sparse-evolutionary-artificial-neural-networks,
 * SET-MLP-Keras-Weights-Mask/set_mlp_keras_cifar10.py {@code rewireMask}): it finds the two thresholds by index in
 * the sorted weights, {@code values[int((1-zeta) * firstZeroPos)]} and
 * {@code values[int(lastZeroPos + zeta * (n - lastZeroPos))]}, and removes the weight at each threshold too, so it
 * removes n- - floor((1-zeta) n-) negatives and floor(zeta n+) + 1 positives (with 10 of each and zeta 0.3: 3 and
 * 4); here exactly the paper's fraction, floor(zeta n) on each side. Its sparse-matrix version
 * (SET-MLP-Sparse-Python-Data-Structures/set_mlp_sparse_data_structures.py {@code weightsEvolution}) sorts only the
 * stored weights, where "the first zero" is the weight closest to zero, which shifts these counts by about one more.
 */
final class SignedPruneAndGrow {
    private SignedPruneAndGrow() {}

    /**
     * @param zeta     the fraction removed on each side of zero, in [0, 1]
     * @param tieOrder ranks equal scores (lower first) in the removal and the growth; null: by position
     * @return the new mask; {@code grown} marks every grown connection (to restart from zero, its optimizer state
     *         reset); {@code changed} counts those that were not active before
     */
    static PruneAndGrow.Result update(float[] weights, float[] mask, float[] growScores, double zeta,
            int[] tieOrder) {
        int n = mask.length;
        boolean[] active = new boolean[n];
        boolean[] positive = new boolean[n];
        boolean[] negative = new boolean[n];
        float[] negated = new float[n]; // the largest negative weights have the smallest -w
        long count = 0;
        long positives = 0;
        long negatives = 0;
        for (int i = 0; i < n; i++) {
            active[i] = mask[i] > 0;
            negated[i] = -weights[i];
            if (active[i]) {
                count++;
                if (weights[i] > 0) {
                    positive[i] = true;
                    positives++;
                } else if (weights[i] < 0) {
                    negative[i] = true;
                    negatives++;
                }
            }
        }
        long keepPositive = positives - (long) Math.floor(positives * zeta);
        long keepNegative = negatives - (long) Math.floor(negatives * zeta);
        float[] keptPositive = TopK.select(weights, positive, keepPositive, tieOrder);
        float[] keptNegative = TopK.select(negated, negative, keepNegative, tieOrder);
        boolean[] candidate = new boolean[n];
        for (int i = 0; i < n; i++) {
            candidate[i] = keptPositive[i] == 0 && keptNegative[i] == 0;
        }
        long removed = count - keepPositive - keepNegative;
        float[] grow = TopK.select(growScores, candidate, removed, tieOrder);
        float[] next = new float[n];
        int changed = 0;
        for (int i = 0; i < n; i++) {
            next[i] = keptPositive[i] + keptNegative[i] + grow[i];
            if (grow[i] > 0 && !active[i]) {
                changed++;
            }
        }
        return new PruneAndGrow.Result(next, grow, changed);
    }
}
