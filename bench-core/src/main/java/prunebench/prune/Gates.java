package prunebench.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import prunebench.train.Reparameterization;

/**
 * The auxiliary parameters of a {@link LearnedMask}, trained with the network, and how they become a mask: a score
 * per weight ({@link #scores}, the highest kept) and the deterministic weights they leave ({@link #fold}).
 */
public interface Gates extends Reparameterization {
    /** Per reparameterised tensor, one score per weight, shaped like it, created on {@code manager}. */
    Map<String, NDArray> scores(NDManager manager);

    /**
     * What the method itself keeps at the end of its learning, by its own rule rather than a compression target
     * (sparse VD: log alpha &lt; 3; L0: a test-time gate above 0; CS: s &gt; 0): per gated weight tensor, 1 for kept
     * and 0 for removed, shaped like the weight, on {@code manager}. Empty for a method without such a rule. The
     * run records the compression this gives and the learning stage's last accuracy under it (the paper's own
     * numbers) beside the result pruned to the grid's compression.
     */
    default Map<String, NDArray> ownKeep(NDManager manager) {
        return Map.of();
    }

    /** Writes the gates' deterministic effect into the weights (e.g. w times the gate's test-time value). */
    void fold();

    /** The auxiliary tensors by name, for checkpoints. */
    Map<String, NDArray> state();

    /** Restores {@link #state()}. */
    void loadState(Map<String, NDArray> state);
}
