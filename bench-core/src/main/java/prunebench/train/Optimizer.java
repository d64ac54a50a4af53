package prunebench.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A first-order optimizer with PyTorch's update rules, written on NDArrays so that its state is ours: it can be
 * checkpointed, restored, and reset for regrown connections (dynamic sparse training).
 */
public interface Optimizer extends AutoCloseable {
    /** Updates every parameter from its gradient with learning rate {@code lr}; gradients are left in place. */
    void step(double lr);

    /** The state tensors by unique name, for checkpoints (e.g. {@code momentum/<param>}). */
    Map<String, NDArray> state();

    /** Restores state saved by {@link #state()}; missing entries start fresh. */
    void loadState(Map<String, NDArray> state);

    /**
     * The L2 weight decay this optimizer adds to the gradient of its decayed parameters (d = g + wd * w), 0 when none:
     * what a listener needs that keeps weights outside the parameter (network surgery's pruned ones) and decays them
     * as the reference's solver would.
     */
    default double weightDecay() {
        return 0;
    }

    /** Zeroes the state of the given parameter where {@code mask} is 1 (connections that were just regrown). */
    void resetState(String parameter, NDArray mask);

    @Override
    void close();
}
