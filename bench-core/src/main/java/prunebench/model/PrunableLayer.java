package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * A Conv or Linear layer whose weight may be pruned.
 *
 * @param name       parameter name, unique in the network (DJL's block path), e.g. {@code 01Conv2d_weight}
 * @param weight     the weight parameter
 * @param bias       the bias parameter, or null
 * @param kind       convolution or fully connected
 * @param classifier whether this is the model's final classifier
 * @param outputShape output shape of the layer for one example, (C, H, W) or (features)
 * @param usesPerWeight how often each weight is multiplied per example: H_out * W_out for a convolution, 1 for a
 *                   Linear layer; multiply-adds = weights * usesPerWeight (groups are already in the weight shape)
 */
public record PrunableLayer(
        String name, Parameter weight, Parameter bias, Kind kind, boolean classifier, Shape outputShape,
        long usesPerWeight) {

    public enum Kind { CONV, LINEAR }

    public Shape weightShape() {
        return weight.getArray().getShape();
    }

    public long weightCount() {
        return weightShape().size();
    }

    /** Fan-in of one output unit: in_channels/groups * kh * kw, or in_features. */
    public long fanIn() {
        Shape s = weightShape();
        return s.size() / s.get(0);
    }
}
