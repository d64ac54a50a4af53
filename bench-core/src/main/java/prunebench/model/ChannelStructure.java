package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Channel dependency analysis: which output channels of a network can be removed, and what each removal takes
 * along ({@link ChannelGroup}). Walks the block tree in forward order following where each tensor's channel axis
 * comes from:
 * <ul>
 *   <li>every Conv/Linear layer's outputs form a group, read by the next Conv/Linear layer (its consumer);</li>
 *   <li>a BatchNorm in between normalises the group's channels and is pruned along;</li>
 *   <li>parameter-free blocks that keep the channel count (activations, pooling) pass channels through; a flatten of
 *       (C, H, W), or global pooling to (C), passes them on with H*W consecutive inputs per channel;</li>
 *   <li>channels that reach a residual addition stay. Of a ResNet {@link BasicBlock} only conv1's channels (the
 *       inner width) are prunable: the block's input (stem or previous block) and conv2's output meet the shortcut,
 *       and pruning them would mean pruning the whole stage's residual stream together;</li>
 *   <li>the classifier's outputs (the classes) stay; its inputs follow the last group;</li>
 *   <li>channels flowing into anything else (a grouped convolution, a Linear layer on a 4-d tensor, the network's
 *       output) stay.</li>
 * </ul>
 * A shape-preserving parameter-free block is assumed to act per channel, as activations and pooling do; a block
 * with parameters of any other kind is an error, not a guess.
 */
public final class ChannelStructure {
    private ChannelStructure() {}

    /** The prunable groups in forward order. */
    public static List<ChannelGroup> of(Network network) {
        return new Walk(network).run();
    }

    /**
     * One output channel of a Conv/Linear layer: row {@code channel} of {@code layer}'s weight.
     *
     * @param layer   the producer
     * @param channel the output channel (filter)
     */
    public record Filter(PrunableLayer layer, int channel) {}

    /**
     * The filters tied together by residual additions: each list holds the filters whose outputs are added into
     * one channel of a residual stream (the stem's filter c and every block's conv2 filter c of a stage with identity
     * shortcuts; across an option-A shortcut, filter c of one stage with filter c + pad of the next), in forward
     * order. These are the channels {@link #of} keeps because they meet an addition: removing one means removing all
     * of its list together (Gao et al. 2019's cross-layer groups). Only lists of two or more filters are returned; a
     * stream channel fed by one filter alone (a channel the option-A shortcut pads with zeros, not carried on by a
     * later stage) is not tied to any other.
     */
    public static List<List<Filter>> residualTies(Network network) {
        List<List<Filter>> out = new ArrayList<>();
        for (TiedGroup g : tiedGroups(network)) {
            out.add(g.members().stream().map(m -> new Filter(m.layer(), m.channel())).toList());
        }
        return out;
    }

    /**
     * The same lists as {@link #residualTies}, in the same order, each with what removing it takes along: every
     * member's bias and BatchNorm channel, and the input column of every layer that reads the stream channel (the
     * blocks' conv1, the classifier). A stream channel flows only through BatchNorm, activations, additions, option-A
     * shortcuts and pooling between its producers and its readers, so removing all its members zeroes it everywhere.
     */
    public static List<TiedGroup> tiedGroups(Network network) {
        Map<Parameter, PrunableLayer> layers = new IdentityHashMap<>();
        network.layers().forEach(l -> layers.put(l.weight(), l));
        Map<Parameter, String> names = new IdentityHashMap<>();
        network.allParameters().forEach((n, p) -> names.put(p, n));
        Ties ties = new Ties(layers, names);
        ties.visit(network.block(), null);
        return ties.groups();
    }

    /** Union-find over the filters of the producers, joined where a shortcut adds one stream channel to another. */
    private static final class Ties {
        private final Map<Parameter, PrunableLayer> layers;
        private final Map<Parameter, String> names;
        private final List<Filter> filters = new ArrayList<>();
        private final List<Integer> parent = new ArrayList<>();
        /** Per filter id, the layers reading the channel it writes (at that moment of the walk). */
        private final List<List<TiedGroup.Reader>> readers = new ArrayList<>();
        private final Map<PrunableLayer, ChannelGroup.Norm> norms = new IdentityHashMap<>();
        /** The ids the last Conv/Linear layer returned, and that layer: a BatchNorm right after it normalises it. */
        private int[] lastIds;
        private PrunableLayer lastLayer;

        Ties(Map<Parameter, PrunableLayer> layers, Map<Parameter, String> names) {
            this.layers = layers;
            this.names = names;
        }

        /** The filter ids of the tensor after {@code block}, given those before it (null: not a producer's). */
        int[] visit(Block block, int[] in) {
            if (block instanceof BasicBlock b) {
                int[] out = in;
                for (Block child : new Block[] {b.conv1, b.bn1, b.conv2, b.bn2}) {
                    out = visit(child, out);
                }
                int offset = b.shortcut == null ? 0 : ((OptionAShortcut) b.shortcut).pad();
                int carried = b.shortcut == null || in == null ? 0 : ((OptionAShortcut) b.shortcut).carried(in.length);
                if (in != null && out != null) {
                    for (int c = 0; c < (b.shortcut == null ? in.length : carried); c++) {
                        union(in[c], out[c + offset]);
                    }
                }
                return out;
            }
            if (block instanceof SequentialBlock) {
                int[] flow = in;
                for (Pair<String, Block> child : block.getChildren()) {
                    flow = visit(child.getValue(), flow);
                }
                return flow;
            }
            if (block instanceof Convolution || block instanceof Linear) {
                PrunableLayer layer = layers.get(block.getParameters().get("weight"));
                if (in != null) {
                    long columns = layer.weightShape().get(1);
                    if (columns % in.length == 0) {
                        int factor = Math.toIntExact(columns / in.length);
                        for (int c = 0; c < in.length; c++) {
                            readers.get(in[c]).add(new TiedGroup.Reader(layer, c, factor));
                        }
                    }
                }
                if (layer.classifier()) {
                    lastIds = null;
                    return null;
                }
                int[] ids = new int[Math.toIntExact(layer.weightShape().get(0))];
                for (int c = 0; c < ids.length; c++) {
                    ids[c] = filters.size();
                    filters.add(new Filter(layer, c));
                    parent.add(ids[c]);
                    readers.add(new ArrayList<>());
                }
                lastIds = ids;
                lastLayer = layer;
                return ids;
            }
            if (block instanceof BatchNorm && in != null && in == lastIds && !norms.containsKey(lastLayer)) {
                var p = block.getParameters();
                norms.put(lastLayer, new ChannelGroup.Norm(names.get(p.get("gamma")), names.get(p.get("beta")),
                        names.get(p.get("runningMean")), names.get(p.get("runningVar"))));
            }
            // BatchNorm, activations and pooling keep the channels; only a BasicBlock joins filters, so what a
            // flatten passes on never matters (ChannelStructure.of refuses other blocks with parameters).
            return in;
        }

        private int find(int i) {
            while (parent.get(i) != i) {
                parent.set(i, parent.get(parent.get(i)));
                i = parent.get(i);
            }
            return i;
        }

        private void union(int a, int b) {
            int ra = find(a);
            int rb = find(b);
            if (ra != rb) {
                parent.set(Math.max(ra, rb), Math.min(ra, rb));
            }
        }

        List<TiedGroup> groups() {
            Map<Integer, List<Integer>> byRoot = new java.util.LinkedHashMap<>();
            for (int i = 0; i < filters.size(); i++) {
                byRoot.computeIfAbsent(find(i), k -> new ArrayList<>()).add(i);
            }
            List<TiedGroup> out = new ArrayList<>();
            for (List<Integer> ids : byRoot.values()) {
                if (ids.size() > 1) {
                    List<TiedGroup.Member> members = new ArrayList<>();
                    List<TiedGroup.Reader> read = new ArrayList<>();
                    for (int i : ids) {
                        Filter f = filters.get(i);
                        members.add(new TiedGroup.Member(f.layer(), f.channel(),
                                f.layer().bias() == null ? null : names.get(f.layer().bias()), norms.get(f.layer())));
                        read.addAll(readers.get(i));
                    }
                    out.add(new TiedGroup(members, read));
                }
            }
            return out;
        }
    }

    /** A group being collected; {@code fixed} once something it feeds cannot follow a removal. */
    private static final class Open {
        final PrunableLayer producer;
        final String bias;
        ChannelGroup.Norm norm;
        final List<ChannelGroup.Consumer> consumers = new ArrayList<>();
        boolean fixed;

        Open(PrunableLayer producer, String bias) {
            this.producer = producer;
            this.bias = bias;
        }
    }

    /**
     * Where the channel axis of the current tensor comes from: a group (null: the input image or a residual stream,
     * channels that stay), and how many consecutive features each channel spans after a flatten.
     */
    private record Flow(Open group, int factor) {
        static Flow fixed() {
            return new Flow(null, 1);
        }

        void close() {
            if (group != null) {
                group.fixed = true;
            }
        }
    }

    private static final class Walk {
        private final Network network;
        private final Map<Parameter, String> names = new IdentityHashMap<>();
        private final Map<Parameter, PrunableLayer> layers = new IdentityHashMap<>();
        private final List<Open> opened = new ArrayList<>();

        Walk(Network network) {
            this.network = network;
            network.allParameters().forEach((n, p) -> names.put(p, n));
            network.layers().forEach(l -> layers.put(l.weight(), l));
        }

        List<ChannelGroup> run() {
            Shape input = new Shape(1).addAll(network.inputShape());
            visit(network.block(), new Shape[] {input}, Flow.fixed()).close(); // the network's output stays
            List<ChannelGroup> out = new ArrayList<>();
            for (Open o : opened) {
                if (!o.fixed) {
                    out.add(new ChannelGroup(o.producer, o.bias, o.norm, o.consumers));
                }
            }
            return out;
        }

        private Flow visit(Block block, Shape[] in, Flow flow) {
            if (block instanceof BasicBlock b) {
                flow.close(); // the block's input also feeds the residual addition
                Flow inner = Flow.fixed();
                Shape[] shapes = in;
                for (Block child : new Block[] {b.conv1, b.bn1, b.conv2, b.bn2}) {
                    inner = visit(child, shapes, inner);
                    shapes = child.getOutputShapes(shapes);
                }
                inner.close(); // conv2's channels meet the shortcut
                return Flow.fixed();
            }
            if (block instanceof SequentialBlock) {
                Shape[] shapes = in;
                for (Pair<String, Block> child : block.getChildren()) {
                    flow = visit(child.getValue(), shapes, flow);
                    shapes = child.getValue().getOutputShapes(shapes);
                }
                return flow;
            }
            if (block instanceof Convolution || block instanceof Linear) {
                PrunableLayer layer = layers.get(block.getParameters().get("weight"));
                consume(flow, layer, block, in[0]);
                if (layer.classifier()) {
                    return Flow.fixed();
                }
                Open group = new Open(layer, layer.bias() == null ? null : names.get(layer.bias()));
                opened.add(group);
                return new Flow(group, 1);
            }
            if (block instanceof BatchNorm) {
                if (flow.group() != null) {
                    if (flow.factor() == 1 && flow.group().norm == null) {
                        var p = block.getParameters();
                        flow.group().norm = new ChannelGroup.Norm(names.get(p.get("gamma")), names.get(p.get("beta")),
                                names.get(p.get("runningMean")), names.get(p.get("runningVar")));
                    } else {
                        flow.close();
                    }
                }
                return flow;
            }
            if (block.getParameters().isEmpty() && block.getChildren().isEmpty()) {
                Shape x = in[0];
                Shape y = block.getOutputShapes(in)[0];
                if (x.dimension() == y.dimension() && x.dimension() >= 2 && x.get(1) == y.get(1)) {
                    return flow; // per channel: activation, pooling
                }
                if (x.dimension() == 4 && y.dimension() == 2 && y.get(1) % x.get(1) == 0) {
                    return new Flow(flow.group(), flow.factor() * Math.toIntExact(y.get(1) / x.get(1))); // flatten
                }
                flow.close();
                return Flow.fixed();
            }
            throw new IllegalArgumentException("structured pruning cannot analyse a " + block.getClass().getSimpleName()
                    + " block (known: Conv, Linear, BatchNorm, SequentialBlock, ResNet BasicBlock, parameter-free)");
        }

        /** {@code layer} reads the flow's channels: a consumer when its weight's input axis matches them. */
        private static void consume(Flow flow, PrunableLayer layer, Block block, Shape in) {
            Open group = flow.group();
            if (group == null) {
                return;
            }
            boolean conv = block instanceof Convolution;
            long expectedInputs = (long) group.producer.weightShape().get(0) * flow.factor();
            boolean follows = conv
                    ? ((Convolution) block).getGroups() == 1 && flow.factor() == 1 && in.dimension() == 4
                    : in.dimension() == 2;
            if (follows && layer.weightShape().get(1) == expectedInputs) {
                group.consumers.add(new ChannelGroup.Consumer(layer, flow.factor()));
            } else {
                flow.close();
            }
        }
    }
}
