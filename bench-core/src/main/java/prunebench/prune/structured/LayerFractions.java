package prunebench.prune.structured;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.prune.StrategyOptions;
import prunebench.util.Names;

/**
 * A structured strategy's {@code layer_fractions}: the fraction of channels removed from each named layer, as a
 * paper prescribes them (Li et al. 2017's "pruned-A"). Layers are named as in {@code layers.csv} without the
 * numeric prefix and the {@code _weight} suffix ({@code conv1_1}, {@code fc1}).
 */
public final class LayerFractions {
    private LayerFractions() {}

    /** The validated map (empty when not given), in the order written. */
    public static Map<String, Double> of(StrategyOptions options) {
        Object raw = options.has(StructuredStrategy.LAYER_FRACTIONS) ? options.raw(StructuredStrategy.LAYER_FRACTIONS)
                : Map.of();
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigException("layer_fractions must be a map of layer name to the fraction of its channels "
                    + "to remove, e.g. {conv1_1: 0.5}, got " + raw);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() < 1)) {
                throw new ConfigException("layer_fractions." + k + ": must be a fraction of channels to remove in "
                        + "[0, 1), got " + v);
            }
            out.put(String.valueOf(k), n.doubleValue());
        });
        return out;
    }

    /** A group's layer name as users write it: {@code 01conv1_1_weight} is {@code conv1_1}. */
    static String layerName(ChannelGroup g) {
        return g.name().replaceFirst("^\\d+", "").replaceFirst("_weight$", "");
    }

    /**
     * Channels each group keeps: its width minus round(fraction x width) for named layers, all for the others.
     * Every name must be a prunable layer of the network.
     */
    public static int[] keptCounts(Map<String, Double> fractions, List<ChannelGroup> groups, String model) {
        List<String> names = groups.stream().map(LayerFractions::layerName).toList();
        for (String name : fractions.keySet()) {
            if (!names.contains(name)) {
                throw new ConfigException("layer_fractions: " + Names.unknown("prunable layer of " + model, name,
                        names));
            }
        }
        int[] kept = new int[groups.size()];
        for (int g = 0; g < kept.length; g++) {
            int width = groups.get(g).channels();
            double f = fractions.getOrDefault(names.get(g), 0.0);
            kept[g] = Math.max(1, width - (int) Math.round(f * width));
        }
        return kept;
    }
}
