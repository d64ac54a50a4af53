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
 * The prunable groups of {@link ChannelStructure#of}: one forward walk of the block tree, carrying with each tensor
 * where its channel axis comes from (the rules are on {@link ChannelStructure}). Every Conv/Linear layer opens a
 * group; the group is dropped as soon as its channels reach something that cannot follow a removal.
 */
final class ChannelGroupFinder {
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

    private final Network network;
    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final Map<Parameter, PrunableLayer> layers = new IdentityHashMap<>();
    private final List<Open> opened = new ArrayList<>();

    private ChannelGroupFinder(Network network) {
        this.network = network;
        network.allParameters().forEach((n, p) -> names.put(p, n));
        network.layers().forEach(l -> layers.put(l.weight(), l));
    }

    /** The prunable groups of {@code network} in forward order, as {@link ChannelStructure#of} returns them. */
    static List<ChannelGroup> of(Network network) {
        return new ChannelGroupFinder(network).run();
    }

    private List<ChannelGroup> run() {
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
