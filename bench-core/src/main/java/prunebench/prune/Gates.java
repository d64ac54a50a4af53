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

    /** Writes the gates' deterministic effect into the weights (e.g. w times the gate's test-time value). */
    void fold();

    /** The auxiliary tensors by name, for checkpoints. */
    Map<String, NDArray> state();

    /** Restores {@link #state()}. */
    void loadState(Map<String, NDArray> state);
}
