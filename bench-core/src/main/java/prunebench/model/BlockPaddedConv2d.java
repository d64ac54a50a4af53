package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link Conv2d} whose input channels are padded with zero channels (and its weight with zero input slices) to a
 * multiple of {@value NarrowedNetwork#CHANNEL_BLOCK} inside the forward pass, when there are more than that.
 *
 * <p>Why: libtorch 2.7.1's float32 CPU convolution returns wrong results on an AMD EPYC (Zen 5, AVX-512) machine
 * for input channel counts above 16 that are not multiples of 16 (docs/structured-pruning.md); Caffe's LeNet-5
 * has a 20-channel conv2. The padding is computed, never stored: the parameter keeps its true shape (out, in, kh,
 * kw), so parameter counts, masks, multiply-adds and initialisation see the real layer, and the zero slices take no
 * gradient into it. The output equals the unpadded convolution's (a zero channel adds nothing to any sum).
 */
final class BlockPaddedConv2d extends Conv2d {

    BlockPaddedConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /** A padded Conv2d with the given kernel and filters, stride 1, no padding, with a bias. */
    static BlockPaddedConv2d of(Shape kernel, int filters) {
        return new BlockPaddedConv2d(Layers.conv2d().setKernelShape(kernel).setFilters(filters));
    }

    /** The channel count the convolution computes on: {@code channels} rounded up to a block above one block. */
    static long paddedChannels(long channels) {
        int b = NarrowedNetwork.CHANNEL_BLOCK;
        return channels > b && channels % b != 0 ? (channels / b + 1) * b : channels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        // Through Layers.output, so a LayerOutputs store sees this layer too; the padding is part of the product.
        return new NDList(Layers.output(parameterStore, weight, includeBias ? bias : null, inputs.singletonOrThrow(),
                training, this::padded));
    }

    /** The convolution of {@code input} with {@code w} (plus {@code b}), both padded to the channel block. */
    private NDArray padded(NDArray input, NDArray w, NDArray b) {
        long channels = input.getShape().get(1);
        long extra = paddedChannels(channels) - channels;
        if (extra > 0) {
            Shape in = input.getShape();
            Shape ws = w.getShape();
            input = input.concat(input.getManager().zeros(new Shape(in.get(0), extra, in.get(2), in.get(3)),
                    input.getDataType()), 1);
            w = w.concat(input.getManager().zeros(new Shape(ws.get(0), extra, ws.get(2), ws.get(3)), w.getDataType()),
                    1);
        }
        return Conv2d.conv2d(input, w, b, stride, padding, dilation, groups).singletonOrThrow();
    }
}
