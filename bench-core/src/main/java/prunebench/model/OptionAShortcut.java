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
 *
 * <p>A network whose residual streams were narrowed ({@link NarrowedNetwork} with tied groups removed) uses the
 * general form: the first {@code carried} input channels (the kept ones; any after them are zero padding), then
 * {@code before} zero channels in front and {@code after} behind. Kept output channel j of the next stage is then
 * kept input channel j - before, or zero: a removed stream channel is removed in both stages, so the kept channels
 * an option-A shortcut carries stay one run.
 */
final class OptionAShortcut extends AbstractBlock {
    private final int stride;
    /** Input channels carried; -1: all of them. */
    private final int carried;
    private final int before;
    private final int after;

    OptionAShortcut(int stride, int pad) {
        this(stride, -1, pad, pad);
    }

    OptionAShortcut(int stride, int carried, int before, int after) {
        this.stride = stride;
        this.carried = carried;
        this.before = before;
        this.after = after;
    }

    /** Zero channels added in front: input channel c becomes output channel c + pad. */
    int pad() {
        return before;
    }

    /** How many of an input of {@code width} channels reach the output. */
    int carried(int width) {
        return carried < 0 ? width : Math.min(carried, width);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        int take = carried(Math.toIntExact(x.getShape().get(1)));
        try (NDArray sub = x.get(":, :{}, ::{}, ::{}", take, stride, stride)) {
            // PyTorch's pad lists the last dimension first: (W, W, H, H, C, C).
            return new NDList(sub.pad(new Shape(0, 0, 0, 0, before, after), 0));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long take = carried(Math.toIntExact(in.get(1)));
        return new Shape[] {new Shape(in.get(0), take + before + after, ceilDiv(in.get(2)), ceilDiv(in.get(3)))};
    }

    private long ceilDiv(long size) {
        return (size + stride - 1) / stride;
    }
}
