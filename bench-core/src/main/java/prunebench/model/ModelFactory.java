package prunebench.model;

import ai.djl.ndarray.types.Shape;

/**
 * A model architecture. Implementations are found through {@link java.util.ServiceLoader} (see
 * {@link ModelRegistry}); a new model is one class plus one line in
 * {@code META-INF/services/prunebench.model.ModelFactory}.
 */
public interface ModelFactory {
    /** Registry name used in the experiment file, e.g. {@code lenet5}. */
    String name();

    String description();

    /**
     * Builds the (uninitialised) network for inputs of shape (C, H, W) and {@code numClasses} outputs.
     * The returned architecture names its classifier block so that {@code prune_classifier} can exclude it.
     */
    Architecture build(Shape inputShape, int numClasses);

    /** How weights are drawn from the run's seed. */
    default WeightInit weightInit() {
        return WeightInit.PYTORCH_DEFAULT;
    }

    /** Sets what {@link #weightInit()} does not cover (e.g. non-default BatchNorm scales); called after it. */
    default void finishInit(Network network) {}
}
