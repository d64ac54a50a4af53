package prunebench.prune.structured;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.model.TiedGroup;

/**
 * What a network costs when each group keeps a given number of channels, counted from the structure alone (as the
 * rebuilt network would have it): trainable parameters (ShrinkBench's compression counts all of them) or the
 * multiply-adds of the Conv/Linear weights ({@link prunebench.model.Complexity}'s theoretical speedup). A weight
 * between two pruned layers is counted once: each layer keeps (kept outputs) x (kept inputs) x kernel entries.
 *
 * <p>With tied groups ({@link TiedGroup}, whole residual-stream channels), a layer's kept outputs or inputs can come
 * from either kind: the blocks' conv1 keep the rows of their own group and read the columns of the streams, conv2
 * keeps the stream's rows and reads conv1's columns, the stem keeps stream rows, the classifier reads stream columns.
 * A removed tied group takes one row from each member's layer (with its bias and BatchNorm gamma and beta) and one
 * channel of columns from each reader.
 */
final class ChannelBudget {
    enum Measure { PARAMETERS, MULTIPLY_ADDS }

    private final Measure measure;
    private final long denseParameters;
    private final List<PrunableLayer> layers;
    private final Map<String, Integer> producerOf = new HashMap<>();
    private final Map<String, Integer> consumerOf = new HashMap<>();
    private final Map<String, Integer> factorOf = new HashMap<>();
    private final int[] channels;
    private final boolean[] hasBias;
    private final boolean[] hasNorm;
    /** Per tied group: the layer index (in {@code layers}) of each member, and of each reader with its factor. */
    private final int[][] tieRows;
    private final int[][] tieCols;
    private final int[][] tieFactors;
    /** Per tied group: its members' biases and BatchNorm gammas and betas. */
    private final long[] tieExtras;

    ChannelBudget(Network network, List<ChannelGroup> groups, Measure measure) {
        this(network, groups, List.of(), measure);
    }

    ChannelBudget(Network network, List<ChannelGroup> groups, List<TiedGroup> ties, Measure measure) {
        this.measure = measure;
        this.layers = network.layers();
        this.denseParameters = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size())
                .sum();
        channels = new int[groups.size()];
        hasBias = new boolean[groups.size()];
        hasNorm = new boolean[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            ChannelGroup group = groups.get(g);
            channels[g] = group.channels();
            hasBias[g] = group.bias() != null;
            hasNorm[g] = group.norm() != null;
            producerOf.put(group.name(), g);
            for (ChannelGroup.Consumer c : group.consumers()) {
                consumerOf.put(c.layer().name(), g);
                factorOf.put(c.layer().name(), c.factor());
            }
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            index.put(layers.get(i).name(), i);
        }
        tieRows = new int[ties.size()][];
        tieCols = new int[ties.size()][];
        tieFactors = new int[ties.size()][];
        tieExtras = new long[ties.size()];
        for (int t = 0; t < ties.size(); t++) {
            TiedGroup tie = ties.get(t);
            tieRows[t] = tie.members().stream().mapToInt(m -> index.get(m.layer().name())).toArray();
            tieCols[t] = tie.readers().stream().mapToInt(r -> index.get(r.layer().name())).toArray();
            tieFactors[t] = tie.readers().stream().mapToInt(TiedGroup.Reader::factor).toArray();
            for (TiedGroup.Member m : tie.members()) {
                tieExtras[t] += (m.bias() != null ? 1 : 0) + (m.norm() != null ? 2 : 0);
            }
        }
    }

    /** Output channels (rows) of layer {@code l} of the network's layer order in the unpruned network. */
    int rows(int l) {
        return Math.toIntExact(layers.get(l).weightShape().get(0));
    }

    /** Tied groups this budget knows. */
    int ties() {
        return tieRows.length;
    }

    /** The indices (in the network's layer order) of tied group {@code t}'s members' layers. */
    int[] tieLayers(int t) {
        return tieRows[t];
    }

    Measure measure() {
        return measure;
    }

    /** Channels of group {@code g} in the unpruned network. */
    int channels(int g) {
        return channels[g];
    }

    /** The unpruned network's cost. */
    double dense() {
        return cost(channels);
    }

    /** The cost when group {@code g} keeps {@code kept[g]} channels (and every tied group stays). */
    double cost(int[] kept) {
        return cost(kept, null);
    }

    /**
     * The cost when group {@code g} keeps {@code kept[g]} channels and tied group {@code t} stays where
     * {@code tiesKept[t]} (null: all stay).
     */
    double cost(int[] kept, boolean[] tiesKept) {
        long[] rowsGone = new long[layers.size()];
        long[] colsGone = new long[layers.size()];
        long extras = 0;
        if (tiesKept != null) {
            for (int t = 0; t < tiesKept.length; t++) {
                if (!tiesKept[t]) {
                    for (int l : tieRows[t]) {
                        rowsGone[l]++;
                    }
                    for (int r = 0; r < tieCols[t].length; r++) {
                        colsGone[tieCols[t][r]] += tieFactors[t][r];
                    }
                    extras += tieExtras[t];
                }
            }
        }
        return measure == Measure.PARAMETERS ? parameters(kept, rowsGone, colsGone, extras)
                : multiplyAdds(kept, rowsGone, colsGone);
    }

    private long parameters(int[] kept, long[] rowsGone, long[] colsGone, long extras) {
        long removed = extras;
        for (int i = 0; i < layers.size(); i++) {
            PrunableLayer layer = layers.get(i);
            removed += layer.weightCount() - keptWeights(layer, kept, rowsGone[i], colsGone[i]);
        }
        for (int g = 0; g < kept.length; g++) {
            int gone = channels[g] - kept[g];
            removed += (hasBias[g] ? gone : 0) + (hasNorm[g] ? 2L * gone : 0); // BN: gamma and beta
        }
        return denseParameters - removed;
    }

    private long multiplyAdds(int[] kept, long[] rowsGone, long[] colsGone) {
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            PrunableLayer layer = layers.get(i);
            total += keptWeights(layer, kept, rowsGone[i], colsGone[i]) * layer.usesPerWeight();
        }
        return total;
    }

    private long keptWeights(PrunableLayer layer, int[] kept, long rowsGone, long colsGone) {
        long out = layer.weightShape().get(0);
        long in = layer.weightShape().get(1);
        long perInput = layer.weightCount() / out / in;
        Integer p = producerOf.get(layer.name());
        Integer c = consumerOf.get(layer.name());
        if (p != null) {
            out = kept[p];
        }
        if (c != null) {
            in = (long) kept[c] * factorOf.get(layer.name());
        }
        return (out - rowsGone) * (in - colsGone) * perInput;
    }
}
