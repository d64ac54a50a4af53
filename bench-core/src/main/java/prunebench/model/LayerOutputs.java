package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * Implemented by a parameter store that may compute a prunable layer's whole output rather than hand it a weight:
 * the layers built by {@link Layers} ask it first. A plain {@link ai.djl.training.ParameterStore} is not one, and the
 * layers then run as DJL's.
 */
public interface LayerOutputs {
    /**
     * The output of the layer whose weight parameter is {@code weight} on {@code input}; {@code bias} is the bias's
     * value from this store (or null) and {@code product} the layer's own product. Without a reason to do
     * otherwise: {@code product.apply(input, getValue(weight), bias)}.
     */
    NDArray output(Parameter weight, NDArray input, NDArray bias, LayerProduct product, boolean training);
}
