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

    /**
     * The PyTorch module path of a layer with parameters in the equivalent {@code torch.nn} model, e.g.
     * {@code conv1}, {@code layer1.0.bn1} or {@code features.0}: the names of every tensor in a run's output files
     * ({@link TorchNames}). The default is what nested {@code nn.Sequential}s would give.
     */
    default String torchModule(LayerPath layer) {
        return layer.sequentialPath();
    }

    /** How weights are drawn from the run's seed. */
    default WeightInit weightInit() {
        return WeightInit.PYTORCH_DEFAULT;
    }

    /** Sets what {@link #weightInit()} does not cover (e.g. non-default BatchNorm scales); called after it. */
    default void finishInit(Network network) {}
}
