package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.Timing;

/**
 * The start every dynamic sparse strategy shares: a random mask under the run's distribution, drawn from the seed's
 * {@code random} stream (so RigL, SET, SNFS, DSR and a static random mask of the same distribution start from the
 * identical mask), at the initialisation. Subclasses say how the masks change during training.
 */
abstract class SparseStart implements PruningStrategy, DynamicSparsity {
    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    /** Uniform random scores, drawn in Java from the run's seed: a random initial mask under the distribution. */
    @Override
    public Map<String, NDArray> score(PruningContext context) {
        return prunebench.strategies.random.RandomPruning.uniformScores(context);
    }
}
