package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import prunebench.model.LayerProduct;

/**
 * Auxiliary parameters attached to some of the network's weights and trained with it (gates, log-variances): the
 * forward pass sees {@link #weight} in place of each such weight, the loss gets {@link #loss} added, and the
 * optimizer updates {@link #parameters()} with the network's. Both run inside the gradient collector; every array
 * they create must be attached to the step's scope.
 */
public interface Reparameterization {
    /** The auxiliary parameters, by unique names that do not clash with the network's. */
    List<TrainableParameter> parameters();

    /** The names of the network weights this reparameterises. */
    java.util.Set<String> weights();

    /**
     * The weight the forward pass uses in place of {@code weight} (named {@code name}): a sample for training step
     * {@code step} (a function of the run's seed and the step, so a resumed run draws the same), or the deterministic
     * value at inference when {@code step} is negative.
     */
    NDArray weight(String name, NDArray weight, NDManager scope, long step);

    /**
     * The output of the layer whose weight {@code name} this reparameterises, on {@code input}, at training step
     * {@code step} (negative: inference); {@code bias} is the layer's bias or null, {@code product} the layer's own
     * product. By default the layer's product with {@link #weight}; a reparameterisation that samples the layer's
     * output rather than its weights (the local reparameterisation trick) overrides it. Only the layers built by
     * {@link prunebench.model.Layers} (every model's) take this path; others see {@link #weight}.
     */
    default NDArray output(String name, NDArray input, NDArray weight, NDArray bias, LayerProduct product,
            NDManager scope, long step) {
        return product.apply(input, weight(name, weight, scope, step), bias);
    }

    /** The term added to the loss at training step {@code step} of {@code totalSteps} (e.g. expected L0, KL). */
    NDArray loss(NDManager scope, long step, long totalSteps);

    /** After the optimizer step (clamping, annealing). */
    default void afterStep(long step, long totalSteps) {}
}
