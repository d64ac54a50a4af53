package prunebench.prune.structured;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.model.PrunableLayer;
import prunebench.model.TiedGroup;

/**
 * The {@code min_channels} guard in the three forms the selections need: channels per group, rows per layer (a tied
 * group takes one row of each of its members' layers) and the tied groups the guard never lets go. A fraction below
 * 1 is of the width, rounded up; every form keeps at least one, at most everything, and the first layer whole with
 * {@code denseFirst}.
 */
final class ChannelMinimums {
    private ChannelMinimums() {}

    /** The least number of channels each group (in {@code groups} order) keeps. */
    static int[] perGroup(List<ChannelGroup> groups, double minChannels, boolean denseFirst) {
        int[] out = new int[groups.size()];
        for (int g = 0; g < out.length; g++) {
            int channels = groups.get(g).channels();
            int min = minChannels < 1 ? (int) Math.ceil(minChannels * channels) : (int) minChannels;
            out[g] = Math.min(channels, Math.max(1, min));
        }
        if (denseFirst) {
            out[0] = groups.get(0).channels();
        }
        return out;
    }

    /**
     * The least number of rows each layer (in the network's layer order, {@code layers}) keeps: a tied group whose
     * removal would take a member's layer below it stays.
     */
    static int[] rowsPerLayer(List<PrunableLayer> layers, double minChannels, boolean denseFirst) {
        int[] out = new int[layers.size()];
        for (int l = 0; l < out.length; l++) {
            int rows = Math.toIntExact(layers.get(l).weightShape().get(0));
            int min = minChannels < 1 ? (int) Math.ceil(minChannels * rows) : (int) minChannels;
            out[l] = Math.min(rows, Math.max(1, min));
        }
        if (denseFirst && out.length > 0) {
            out[0] = Math.toIntExact(layers.get(0).weightShape().get(0));
        }
        return out;
    }

    /** Tied groups that can never go: one of their members' layers must keep every row. */
    static boolean[] lockedTies(List<PrunableLayer> layers, List<TiedGroup> ties, int[] rowMinimum) {
        Map<String, Integer> index = new HashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            index.put(layers.get(l).name(), l);
        }
        boolean[] out = new boolean[ties.size()];
        for (int t = 0; t < out.length; t++) {
            for (TiedGroup.Member m : ties.get(t).members()) {
                int l = index.get(m.layer().name());
                out[t] |= rowMinimum[l] >= layers.get(l).weightShape().get(0);
            }
        }
        return out;
    }
}
