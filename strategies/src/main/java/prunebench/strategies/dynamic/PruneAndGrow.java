package prunebench.strategies.dynamic;

import prunebench.prune.TopK;

/**
 * One tensor's rewiring, as in RigL's reference code: keep the {@code active - d} active weights of largest |w|
 * (d = floor(active * f)), then grow d connections of highest growth score among all the others, i.e. the inactive
 * ones and the ones just dropped (a dropped connection may win again; it then simply stays, with its weight and
 * optimizer state). The active count is unchanged. Ties go by the given order (the run's updater passes a seeded
 * random one), else to the earlier position, as in {@link TopK}.
 */
final class PruneAndGrow {
    /**
     * @param mask    the new 0/1 mask
     * @param grown   1 where a grown connection restarts from zero with its optimizer state reset: here those
     *                active now and not before; {@link SignedPruneAndGrow} also marks a removed one drawn again
     * @param changed the number of connections active now and not before
     */
    record Result(float[] mask, float[] grown, int changed) {}

    private PruneAndGrow() {}

    static Result update(float[] weights, float[] mask, float[] growScores, double dropFraction) {
        return update(weights, mask, growScores, dropFraction, null);
    }

    /**
     * @param tieOrder ranks equal scores (lower first) in both the drop and the grow selection; null: by position
     */
    static Result update(float[] weights, float[] mask, float[] growScores, double dropFraction, int[] tieOrder) {
        int n = mask.length;
        boolean[] active = new boolean[n];
        float[] magnitude = new float[n];
        long count = 0;
        for (int i = 0; i < n; i++) {
            active[i] = mask[i] > 0;
            magnitude[i] = Math.abs(weights[i]);
            if (active[i]) {
                count++;
            }
        }
        long drop = (long) Math.floor(count * dropFraction);
        float[] kept = TopK.select(magnitude, active, count - drop, tieOrder);
        boolean[] candidate = new boolean[n];
        for (int i = 0; i < n; i++) {
            candidate[i] = kept[i] == 0;
        }
        float[] grow = TopK.select(growScores, candidate, drop, tieOrder);
        float[] next = new float[n];
        float[] grown = new float[n];
        int changed = 0;
        for (int i = 0; i < n; i++) {
            next[i] = kept[i] + grow[i];
            if (grow[i] > 0 && !active[i]) {
                grown[i] = 1;
                changed++;
            }
        }
        return new Result(next, grown, changed);
    }
}
