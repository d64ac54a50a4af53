package prunebench.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The block tree of a {@link NarrowedNetwork}: the source's tree copied with the same child names (so parameters keep
 * their names) and every Conv/Linear layer, BasicBlock and option-A shortcut as wide as the {@link NarrowingPlan}
 * says. The blocks come out uninitialised; {@link SurvivingValueCopy} fills them once the network is built.
 * Parameter-free blocks (activations, pooling, flatten) hold no state and are shared with the source; BatchNorm is
 * rebuilt with DJL's defaults (epsilon 1e-5, momentum 0.9), which every model here uses.
 */
final class NarrowedBlockCopier {
    private final NarrowingPlan plan;
    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final Map<String, PrunableLayer> layers = new HashMap<>();
    private Block classifier;
    /** While copying: the source channels of the residual stream the next block reads (null: the whole width). */
    private int[] stream;

    NarrowedBlockCopier(Network source, NarrowingPlan plan) {
        this.plan = plan;
        source.allParameters().forEach((n, p) -> names.put(p, n));
        source.layers().forEach(l -> layers.put(l.name(), l));
    }

    /** The copy of the source's classifier, once {@link #copy} has passed it (null before). */
    Block classifier() {
        return classifier;
    }

    /** The narrowed copy of {@code block}, copied in forward order (a block's input width is what came before). */
    Block copy(Block block) {
        if (block instanceof BasicBlock b) {
            int[] in = stream;
            int[] out = plan.outputs(names.get(b.conv2.getParameters().get("weight")));
            if (in == null && out == null) {
                return new BasicBlock(b.inPlanes, width(b.conv1), b.planes, b.stride);
            }
            int inWidth = in == null ? b.inPlanes : in.length;
            int outWidth = out == null ? b.planes : out.length;
            stream = out;
            return new BasicBlock(inWidth, width(b.conv1), outWidth, b.stride,
                    b.shortcut == null ? null : shortcut((OptionAShortcut) b.shortcut, in, out, b));
        }
        if (block instanceof SequentialBlock) {
            NamedSequentialBlock out = new NamedSequentialBlock();
            int i = 0;
            for (Pair<String, Block> child : block.getChildren()) {
                String prefix = String.format(Locale.ROOT, "%02d", ++i); // DJL's position prefix, added again by add
                String key = child.getKey();
                out.add(key.startsWith(prefix) ? key.substring(prefix.length()) : key, copy(child.getValue()));
            }
            return out;
        }
        if (block instanceof Conv2d c) {
            Conv2d.Builder b = Layers.conv2d().setKernelShape(c.getKernelShape()).optStride(c.getStride())
                    .optPadding(c.getPadding()).optDilation(c.getDilation()).optGroups(c.getGroups())
                    .optBias(c.isIncludeBias()).setFilters(width(c));
            // Padding the stored width (NarrowingPlan.padded) stops at the layer's original width, which can itself
            // be one the CPU convolution gets wrong (LeNet-5-Caffe's 20 channels into conv2): pad those in the
            // forward pass, as the source network does.
            int[] rows = plan.outputs(names.get(c.getParameters().get("weight")));
            if (rows != null && plan.writesStream(names.get(c.getParameters().get("weight")))) {
                stream = rows; // the stem: what the first block reads
            }
            return c.getGroups() == 1 ? new BlockPaddedConv2d(b) : b.build();
        }
        if (block instanceof Linear) {
            Linear linear = Layers.linear().setUnits(width(block)).optBias(block.getParameters().contains("bias"))
                    .build();
            if (layers.get(names.get(block.getParameters().get("weight"))).classifier()) {
                classifier = linear;
            }
            return linear;
        }
        if (block instanceof BatchNorm) {
            return BatchNorm.builder().build();
        }
        if (block.getParameters().isEmpty() && block.getChildren().isEmpty()) {
            return block;
        }
        throw new IllegalArgumentException("cannot rebuild a " + block.getClass().getSimpleName() + " block");
    }

    /**
     * The option-A shortcut from a stream keeping source channels {@code in} to one keeping {@code out} (either null:
     * the whole width): output channel j carries input channel out[j] - pad, which the ties keep exactly where they
     * keep out[j], so those are one run of outputs fed by the kept inputs in order.
     */
    private static OptionAShortcut shortcut(OptionAShortcut original, int[] in, int[] out, BasicBlock b) {
        int pad = original.pad();
        int[] from = in == null ? IntStream.range(0, b.inPlanes).toArray() : in;
        int[] to = out == null ? IntStream.range(0, b.planes).toArray() : out;
        int carried = 0;
        while (carried < from.length && from[carried] >= 0) {
            carried++;
        }
        int first = -1;
        for (int j = 0; j < to.length && first < 0; j++) {
            if (to[j] >= pad && to[j] - pad < b.inPlanes) {
                first = j;
            }
        }
        for (int j = 0; j < to.length; j++) {
            boolean fed = first >= 0 && j >= first && j < first + carried;
            boolean should = to[j] >= 0 && to[j] >= pad && to[j] - pad < b.inPlanes;
            if (fed != should || (fed && from[j - first] != to[j] - pad)) {
                throw new IllegalStateException("the kept channels of a narrowed stream do not line up across an "
                        + "option-A shortcut (output " + j + " of " + Arrays.toString(to) + " from "
                        + Arrays.toString(from) + ")");
            }
        }
        if (first < 0) {
            first = 0;
            carried = 0;
        }
        return new OptionAShortcut(b.stride, carried, first, to.length - first - carried);
    }

    private int width(Block convOrLinear) {
        String name = names.get(convOrLinear.getParameters().get("weight"));
        int[] channels = plan.outputs(name);
        return channels != null ? channels.length : Math.toIntExact(layers.get(name).weightShape().get(0));
    }
}
