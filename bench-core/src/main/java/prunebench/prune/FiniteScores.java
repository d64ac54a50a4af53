package prunebench.prune;

/**
 * A score that is NaN or infinite has no place in an order (a NaN sorts above every number): a top-k would keep an
 * arbitrary set and the run would be recorded as if pruned by the strategy. Weight scores (Pruner) and channel scores
 * (ChannelPruner) are checked here, so both stop with the same message; a stopped run is recorded as failed and the
 * grid goes on. Entries no longer ranked (already pruned) may carry any value and are not looked at.
 */
public final class FiniteScores {
    private FiniteScores() {
    }

    /**
     * Stops unless every ranked score is finite.
     *
     * @param strategy the strategy's name, for the message
     * @param where    what the scores belong to (a layer, a channel group)
     * @param ranked   which entries are ranked; the others are skipped
     * @param entries  the ranked entries in the plural, as counted ("unpruned weights", "remaining channels")
     * @param unit     what is ranked, in the plural ("weights", "channels")
     */
    public static void check(String strategy, String where, float[] scores, boolean[] ranked, String entries,
            String unit) {
        long nan = 0;
        long infinite = 0;
        long candidates = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!ranked[i]) {
                continue;
            }
            candidates++;
            if (Float.isNaN(scores[i])) {
                nan++;
            } else if (Float.isInfinite(scores[i])) {
                infinite++;
            }
        }
        if (nan + infinite > 0) {
            throw new IllegalStateException("strategy '" + strategy + "' returned non-finite scores for " + where
                    + ": " + nan + " NaN and " + infinite + " infinite of its " + candidates + " " + entries
                    + "; scores must be finite numbers to rank " + unit + ", so this run stops instead of pruning "
                    + "in an arbitrary order");
        }
    }
}
