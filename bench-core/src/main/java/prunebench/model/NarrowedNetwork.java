package prunebench.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A structurally pruned network rebuilt as a smaller real one: every Conv/Linear layer of a {@link ChannelGroup}
 * gets as many filters as channels survive, its BatchNorm as many channels and its consumers as many inputs, and
 * the surviving weights, biases and BatchNorm parameters and running statistics are copied. With the removed
 * channels zeroed (filter, bias, gamma and beta) in the source, the two compute the same function.
 *
 * <p>Channels read by a convolution are padded with all-zero channels to a multiple of {@value #CHANNEL_BLOCK}
 * when there are more than that (never beyond the original width). oneDNN computes convolutions in 16-channel
 * blocks on AVX-512 anyway, so this costs next to no time; and libtorch 2.7.1's float32 CPU convolution was found to
 * return wrong results for input channel counts above 16 that are not a multiple of 16 on an AMD EPYC (Zen 5,
 * AVX-512) machine, which a narrowed network would otherwise hit (e.g. 39 channels). Linear layers need no padding.
 *
 * <p>The block tree is copied with the same child names, so parameters keep their names. Parameter-free blocks
 * (activations, pooling, flatten) hold no state and are shared with the source; BatchNorm is rebuilt with DJL's
 * defaults (epsilon 1e-5, momentum 0.9), which every model here uses.
 */
public final class NarrowedNetwork {
    static final int CHANNEL_BLOCK = 16;

    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final Map<String, PrunableLayer> layers = new HashMap<>();
    /** Per group: the source channel of each rebuilt channel, -1 for a zero padding channel. */
    private final Map<String, int[]> sources = new HashMap<>();
    private Block classifier;

    private NarrowedNetwork(Network source, List<ChannelGroup> groups, Map<String, int[]> kept) {
        source.allParameters().forEach((n, p) -> names.put(p, n));
        source.layers().forEach(l -> layers.put(l.name(), l));
        for (ChannelGroup g : groups) {
            sources.put(g.name(), padded(g, kept.get(g.name())));
        }
    }

    /** The kept channels, then -1 (zero channels) up to the width a convolution reads correctly and fast. */
    static int[] padded(ChannelGroup group, int[] kept) {
        boolean convReads = group.consumers().stream()
                .anyMatch(c -> c.layer().kind() == PrunableLayer.Kind.CONV);
        int width = kept.length;
        if (convReads && width > CHANNEL_BLOCK) {
            width = Math.min(group.channels(), (width + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK);
        }
        int[] out = Arrays.copyOf(kept, width);
        Arrays.fill(out, kept.length, width, -1);
        return out;
    }

    /**
     * Builds the smaller network on {@code manager}.
     *
     * @param kept the surviving channels of every group, by group name, in increasing order
     */
    public static Network build(Network source, List<ChannelGroup> groups, Map<String, int[]> kept,
            NDManager manager) {
        for (ChannelGroup g : groups) {
            int[] k = kept.get(g.name());
            if (k == null || k.length == 0) {
                throw new IllegalArgumentException("group " + g.name() + " must keep at least one channel");
            }
        }
        NarrowedNetwork rebuild = new NarrowedNetwork(source, groups, kept);
        Block block = rebuild.copy(source.block());
        Network target = Network.of(source.modelName(), new Architecture(block, rebuild.classifier),
                source.inputShape(), source.numClasses(), manager);
        copyValues(source, target, groups, rebuild.sources);
        return target;
    }

    private Block copy(Block block) {
        if (block instanceof BasicBlock b) {
            return new BasicBlock(b.inPlanes, width(b.conv1), b.planes, b.stride);
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
            // Padding the stored width (padded()) stops at the layer's original width, which can itself be one the
            // CPU convolution gets wrong (LeNet-5-Caffe's 20 channels into conv2): pad those in the forward pass,
            // as the source network does.
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

    private int width(Block convOrLinear) {
        String name = names.get(convOrLinear.getParameters().get("weight"));
        int[] channels = sources.get(name);
        return channels != null ? channels.length : Math.toIntExact(layers.get(name).weightShape().get(0));
    }

    /** Copies every parameter, keeping the surviving rows (outputs) and columns (inputs) of the grouped ones. */
    private static void copyValues(Network source, Network target, List<ChannelGroup> groups,
            Map<String, int[]> channels) {
        Map<String, int[]> rows = new HashMap<>();
        Map<String, int[]> cols = new HashMap<>();
        for (ChannelGroup g : groups) {
            int[] k = channels.get(g.name());
            rows.put(g.name(), k);
            if (g.bias() != null) {
                rows.put(g.bias(), k);
            }
            if (g.norm() != null) {
                g.norm().all().forEach(n -> rows.put(n, k));
            }
            for (ChannelGroup.Consumer c : g.consumers()) {
                cols.put(c.layer().name(), expand(k, c.factor()));
            }
        }
        for (Map.Entry<String, Parameter> e : target.allParameters().entrySet()) {
            Parameter from = source.allParameters().get(e.getKey());
            if (from == null) {
                throw new IllegalStateException("rebuilt network has a parameter the source lacks: " + e.getKey());
            }
            Shape shape = from.getArray().getShape();
            float[] values = from.getArray().toType(DataType.FLOAT32, false).toFloatArray();
            float[] selected = select(values, shape, rows.get(e.getKey()), cols.get(e.getKey()));
            Shape expected = e.getValue().getArray().getShape();
            if (selected.length != expected.size()) {
                throw new IllegalStateException(e.getKey() + ": " + selected.length + " surviving values for shape "
                        + expected);
            }
            e.getValue().getArray().set(selected);
        }
    }

    /** Input columns of channels {@code kept} when each spans {@code factor} consecutive columns (-1 stays -1). */
    static int[] expand(int[] kept, int factor) {
        int[] out = new int[kept.length * factor];
        for (int i = 0; i < kept.length; i++) {
            for (int j = 0; j < factor; j++) {
                out[i * factor + j] = kept[i] < 0 ? -1 : kept[i] * factor + j;
            }
        }
        return out;
    }

    /**
     * The entries of a row-major tensor of {@code shape} at rows {@code rows} of dimension 0 and columns
     * {@code cols} of dimension 1 (null: all; -1: a zero row or column).
     */
    static float[] select(float[] values, Shape shape, int[] rows, int[] cols) {
        if (rows == null && cols == null) {
            return values;
        }
        int d0 = Math.toIntExact(shape.get(0));
        int d1 = shape.dimension() > 1 ? Math.toIntExact(shape.get(1)) : 1;
        int inner = values.length / d0 / d1;
        int nr = rows == null ? d0 : rows.length;
        int nc = cols == null ? d1 : cols.length;
        float[] out = new float[nr * nc * inner];
        int pos = 0;
        for (int r = 0; r < nr; r++) {
            int row = rows == null ? r : rows[r];
            for (int c = 0; c < nc; c++) {
                int col = cols == null ? c : cols[c];
                if (row >= 0 && col >= 0) {
                    System.arraycopy(values, (row * d1 + col) * inner, out, pos, inner);
                }
                pos += inner;
            }
        }
        return out;
    }
}
