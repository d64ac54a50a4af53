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
 * <p>With tied groups removed ({@link TiedGroup}: whole residual-stream channels) the streams narrow too: the stem
 * and every conv2 of a stage keep the stream's surviving channels (padded as above, uniformly along the stage so that
 * the identity additions still match), every reader (the blocks' conv1, the classifier) the matching input columns,
 * and an option-A shortcut carries the kept channels of one stage onto the kept channels of the next, with zero
 * channels for those the next stage's blocks alone write (see {@link OptionAShortcut}).
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
    /** Per reader of a narrowed stream (by weight name): the source channel of each rebuilt input channel. */
    private final Map<String, int[]> streamInputs = new HashMap<>();
    private final Map<String, Integer> streamFactors = new HashMap<>();
    /** The layers writing a narrowed stream (the tied groups' members). */
    private final java.util.Set<String> streamMembers = new java.util.HashSet<>();
    private Block classifier;
    /** While copying: the source channels of the residual stream the next block reads (null: the whole width). */
    private int[] stream;

    private NarrowedNetwork(Network source, List<ChannelGroup> groups, Map<String, int[]> kept, List<TiedGroup> ties,
            boolean[] tiesKept) {
        source.allParameters().forEach((n, p) -> names.put(p, n));
        source.layers().forEach(l -> layers.put(l.name(), l));
        for (ChannelGroup g : groups) {
            sources.put(g.name(), padded(g, kept.get(g.name())));
        }
        boolean narrowed = false;
        for (boolean k : tiesKept) {
            narrowed |= !k;
        }
        if (!narrowed) {
            return; // the streams keep their whole width, as in a rebuild without tied groups
        }
        Map<String, boolean[]> rowsGone = new HashMap<>();
        Map<String, boolean[]> colsGone = new HashMap<>();
        for (int t = 0; t < ties.size(); t++) {
            for (TiedGroup.Member m : ties.get(t).members()) {
                boolean[] gone = rowsGone.computeIfAbsent(m.layer().name(),
                        n -> new boolean[Math.toIntExact(m.layer().weightShape().get(0))]);
                gone[m.channel()] |= !tiesKept[t];
            }
            for (TiedGroup.Reader r : ties.get(t).readers()) {
                boolean[] gone = colsGone.computeIfAbsent(r.layer().name(),
                        n -> new boolean[Math.toIntExact(r.layer().weightShape().get(1) / r.factor())]);
                gone[r.channel()] |= !tiesKept[t];
                streamFactors.put(r.layer().name(), r.factor());
            }
        }
        rowsGone.forEach((n, gone) -> sources.put(n, streamChannels(gone)));
        streamMembers.addAll(rowsGone.keySet());
        colsGone.forEach((n, gone) -> streamInputs.put(n, streamChannels(gone)));
    }

    /**
     * The surviving channels of a stream, then zero channels up to a multiple of {@value #CHANNEL_BLOCK} (never
     * beyond the original width): the same rule for its producers and its readers, so that they agree.
     */
    private static int[] streamChannels(boolean[] gone) {
        int[] kept = java.util.stream.IntStream.range(0, gone.length).filter(c -> !gone[c]).toArray();
        int width = kept.length;
        if (width > CHANNEL_BLOCK) {
            width = Math.min(gone.length, (width + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK);
        }
        int[] out = Arrays.copyOf(kept, width);
        Arrays.fill(out, kept.length, width, -1);
        return out;
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
        return build(source, groups, kept, List.of(), new boolean[0], manager);
    }

    /**
     * The same with whole residual-stream channels removed too.
     *
     * @param ties     the tied groups that could go ({@link ChannelStructure#tiedGroups})
     * @param tiesKept which of them stay
     */
    public static Network build(Network source, List<ChannelGroup> groups, Map<String, int[]> kept,
            List<TiedGroup> ties, boolean[] tiesKept, NDManager manager) {
        for (ChannelGroup g : groups) {
            int[] k = kept.get(g.name());
            if (k == null || k.length == 0) {
                throw new IllegalArgumentException("group " + g.name() + " must keep at least one channel");
            }
        }
        NarrowedNetwork rebuild = new NarrowedNetwork(source, groups, kept, ties, tiesKept);
        Block block = rebuild.copy(source.block());
        Network target = Network.of(source.modelName(), new Architecture(block, rebuild.classifier),
                source.inputShape(), source.numClasses(), manager);
        rebuild.copyValues(source, target, groups, ties);
        return target;
    }

    private Block copy(Block block) {
        if (block instanceof BasicBlock b) {
            int[] in = stream;
            int[] out = sources.get(names.get(b.conv2.getParameters().get("weight")));
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
            // Padding the stored width (padded()) stops at the layer's original width, which can itself be one the
            // CPU convolution gets wrong (LeNet-5-Caffe's 20 channels into conv2): pad those in the forward pass,
            // as the source network does.
            int[] rows = sources.get(names.get(c.getParameters().get("weight")));
            if (rows != null && streamMembers.contains(names.get(c.getParameters().get("weight")))) {
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
        int[] from = in == null ? java.util.stream.IntStream.range(0, b.inPlanes).toArray() : in;
        int[] to = out == null ? java.util.stream.IntStream.range(0, b.planes).toArray() : out;
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
        int[] channels = sources.get(name);
        return channels != null ? channels.length : Math.toIntExact(layers.get(name).weightShape().get(0));
    }

    /** Copies every parameter, keeping the surviving rows (outputs) and columns (inputs) of the grouped ones. */
    private void copyValues(Network source, Network target, List<ChannelGroup> groups, List<TiedGroup> ties) {
        Map<String, int[]> channels = sources;
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
        if (!streamInputs.isEmpty()) {
            for (TiedGroup t : ties) {
                for (TiedGroup.Member m : t.members()) {
                    int[] k = sources.get(m.layer().name());
                    rows.put(m.layer().name(), k);
                    if (m.bias() != null) {
                        rows.put(m.bias(), k);
                    }
                    if (m.norm() != null) {
                        m.norm().all().forEach(n -> rows.put(n, k));
                    }
                }
            }
            streamInputs.forEach((n, k) -> cols.put(n, expand(k, streamFactors.get(n))));
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
