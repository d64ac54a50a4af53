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

    /**
     * The input (C, H, W) the architecture was designed for, e.g. 3x32x32 for the CIFAR ResNets; null when any input
     * is usual. Data of another shape runs (layers adapt to their input) with a warning at load time.
     */
    default Shape designedInput() {
        return null;
    }

    /**
     * The smallest height and width the architecture can compute on (its poolings shrink the image); smaller images
     * are refused at load time.
     */
    default int minInputSide() {
        return 1;
    }

    /**
     * The dense network's multiply-adds per image (Conv/Linear weights at each layer's output resolution, as
     * {@link Complexity} counts them on a built network), computed without building it, so that {@code --dry-run}
     * can cost a grid without the native engine; empty when the model cannot say.
     */
    default java.util.OptionalLong multiplyAdds(Shape input, int numClasses) {
        return java.util.OptionalLong.empty();
    }

    /** How weights are drawn from the run's seed. */
    default WeightInit weightInit() {
        return WeightInit.PYTORCH_DEFAULT;
    }

    /** Sets what {@link #weightInit()} does not cover (e.g. non-default BatchNorm scales); called after it. */
    default void finishInit(Network network) {}
}
