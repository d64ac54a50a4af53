package prunebench.model;

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
import prunebench.model.ChannelStructure.Filter;

/**
 * The tied groups of {@link ChannelStructure#tiedGroups}: a union-find over the filters of the producers, joined where
 * a shortcut adds one stream channel to another. It has its own walk of the block tree, apart from
 * {@link ChannelGroupFinder}'s, because it follows the filters that feed a residual addition, the very channels that
 * walk marks as staying, and records who reads each of them.
 */
final class ResidualTieFinder {
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

    private ResidualTieFinder(Map<Parameter, PrunableLayer> layers, Map<Parameter, String> names) {
        this.layers = layers;
        this.names = names;
    }

    /** The tied groups of {@code network}, as {@link ChannelStructure#tiedGroups} returns them. */
    static List<TiedGroup> of(Network network) {
        Map<Parameter, PrunableLayer> layers = new IdentityHashMap<>();
        network.layers().forEach(l -> layers.put(l.weight(), l));
        Map<Parameter, String> names = new IdentityHashMap<>();
        network.allParameters().forEach((n, p) -> names.put(p, n));
        ResidualTieFinder ties = new ResidualTieFinder(layers, names);
        ties.visit(network.block(), null);
        return ties.groups();
    }

    /** The filter ids of the tensor after {@code block}, given those before it (null: not a producer's). */
    private int[] visit(Block block, int[] in) {
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

    private List<TiedGroup> groups() {
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
