package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDManager;
import prunebench.prune.PruningTarget;

/** Where connections regrow: the inactive entries of highest score are grown. */
@FunctionalInterface
interface GrowthScores {
    /**
     * Scores of every entry of {@code target} after optimizer step {@code step} (1-based), flattened.
     *
     * @param scope for temporaries; closed after the update
     */
    float[] of(PruningTarget target, int step, NDManager scope);
}
