package prunebench.model;

import ai.djl.ndarray.NDArray;

/**
 * A prunable layer's own product of an input with a weight tensor, plus a bias: {@code x W^T + b} for a Linear
 * layer, the layer's convolution (its stride, padding, dilation and groups) for a Conv2d. A reparameterisation that
 * computes a layer's output itself (the local reparameterisation trick runs it twice: on x with W, and on x^2 with
 * the weights' variances) calls it rather than knowing each layer's geometry.
 */
@FunctionalInterface
public interface LayerProduct {
    /** {@code input} times {@code weight}, plus {@code bias} unless it is null. */
    NDArray apply(NDArray input, NDArray weight, NDArray bias);
}
