package prunebench.prune.structured;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;

/**
 * What a network costs when each group keeps a given number of channels, counted from the structure alone (as the
 * rebuilt network would have it): trainable parameters (ShrinkBench's compression counts all of them) or the
 * multiply-adds of the Conv/Linear weights ({@link prunebench.model.Complexity}'s theoretical speedup). A weight
 * between two pruned layers is counted once: each layer keeps (kept outputs) x (kept inputs) x kernel entries.
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

    ChannelBudget(Network network, List<ChannelGroup> groups, Measure measure) {
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

    /** The cost when group {@code g} keeps {@code kept[g]} channels. */
    double cost(int[] kept) {
        return measure == Measure.PARAMETERS ? parameters(kept) : multiplyAdds(kept);
    }

    private long parameters(int[] kept) {
        long removed = 0;
        for (PrunableLayer layer : layers) {
            removed += layer.weightCount() - keptWeights(layer, kept);
        }
        for (int g = 0; g < kept.length; g++) {
            int gone = channels[g] - kept[g];
            removed += (hasBias[g] ? gone : 0) + (hasNorm[g] ? 2L * gone : 0); // BN: gamma and beta
        }
        return denseParameters - removed;
    }

    private long multiplyAdds(int[] kept) {
        long total = 0;
        for (PrunableLayer layer : layers) {
            total += keptWeights(layer, kept) * layer.usesPerWeight();
        }
        return total;
    }

    private long keptWeights(PrunableLayer layer, int[] kept) {
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
        return out * in * perInput;
    }
}
