package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The parameter-free "option A" shortcut of He et al. (2016), section 4.2, as in akamaster's CIFAR ResNet:
 * {@code x[:, :, ::stride, ::stride]} zero-padded with {@code pad} channels on each side.
 */
final class OptionAShortcut extends AbstractBlock {
    private final int stride;
    private final int pad;

    OptionAShortcut(int stride, int pad) {
        this.stride = stride;
        this.pad = pad;
    }

    /** Zero channels added on each side: input channel c becomes output channel c + pad. */
    int pad() {
        return pad;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        try (NDArray sub = x.get(":, :, ::{}, ::{}", stride, stride)) {
            // PyTorch's pad lists the last dimension first: (W, W, H, H, C, C).
            return new NDList(sub.pad(new Shape(0, 0, 0, 0, pad, pad), 0));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1) + 2L * pad, ceilDiv(in.get(2)), ceilDiv(in.get(3)))};
    }

    private long ceilDiv(long size) {
        return (size + stride - 1) / stride;
    }
}
