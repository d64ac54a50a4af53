package prunebench.prune.structured;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import prunebench.prune.TopK;

/**
 * Which channels stay so that the network's cost falls to a budget. Channels come in whole units, so the budget is
 * met from below: the result costs at most {@code maxCost} and removing no channel fewer would do. No group drops
 * below its minimum (the {@code min_channels} guard); a budget that cannot be met even then is reported by
 * returning null.
 */
final class ChannelSelection {
    private final ChannelBudget budget;
    private final int[] minimum;

    /** @param minimum channels each group keeps at least */
    ChannelSelection(ChannelBudget budget, int[] minimum) {
        this.budget = budget;
        this.minimum = minimum.clone();
    }

    /**
     * One ranking across all groups: channels are removed lowest score first (ties: the later channel first), skipping
     * groups at their minimum, until the cost is within budget.
     *
     * @param scores  per group, one score per channel
     * @param current per group, which channels are still there
     */
    List<boolean[]> global(List<float[]> scores, List<boolean[]> current, double maxCost) {
        List<boolean[]> kept = copy(current);
        int[] counts = counts(kept);
        record Channel(int group, int index, float score) {}
        List<Channel> candidates = new ArrayList<>();
        for (int g = 0; g < kept.size(); g++) {
            for (int c = 0; c < kept.get(g).length; c++) {
                if (kept.get(g)[c]) {
                    float s = scores.get(g)[c];
                    candidates.add(new Channel(g, c, Float.isNaN(s) ? Float.NEGATIVE_INFINITY : s));
                }
            }
        }
        candidates.sort(Comparator.comparingDouble((Channel ch) -> ch.score())
                .thenComparing(Comparator.comparingInt(Channel::group).reversed())
                .thenComparing(Comparator.comparingInt(Channel::index).reversed()));
        for (Channel ch : candidates) {
            if (within(counts, maxCost)) {
                return kept;
            }
            if (counts[ch.group()] > minimum[ch.group()]) {
                kept.get(ch.group())[ch.index()] = false;
                counts[ch.group()]--;
            }
        }
        return within(counts, maxCost) ? kept : null;
    }

    /**
     * The same fraction of channels kept in every group (at least its minimum), the largest fraction within budget;
     * each group keeps its highest-scored channels.
     */
    List<boolean[]> layerwise(List<float[]> scores, List<boolean[]> current, double maxCost) {
        int[] available = counts(current);
        if (within(perGroup(1, available), maxCost)) {
            return copy(current);
        }
        if (!within(perGroup(0, available), maxCost)) {
            return null;
        }
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 60; i++) { // the cost is monotone in the fraction
            double mid = (lo + hi) / 2;
            if (within(perGroup(mid, available), maxCost)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        int[] counts = perGroup(lo, available);
        List<boolean[]> kept = new ArrayList<>();
        for (int g = 0; g < current.size(); g++) {
            float[] mask = TopK.select(scores.get(g), current.get(g), counts[g]);
            boolean[] k = new boolean[mask.length];
            for (int c = 0; c < k.length; c++) {
                k[c] = mask[c] > 0;
            }
            kept.add(k);
        }
        return kept;
    }

    /** Each group keeps its {@code counts[g]} highest-scored channels among those still there. */
    static List<boolean[]> fixed(List<float[]> scores, List<boolean[]> current, int[] counts) {
        List<boolean[]> kept = new ArrayList<>();
        for (int g = 0; g < current.size(); g++) {
            float[] mask = TopK.select(scores.get(g), current.get(g), counts[g]);
            boolean[] k = new boolean[mask.length];
            for (int c = 0; c < k.length; c++) {
                k[c] = mask[c] > 0;
            }
            kept.add(k);
        }
        return kept;
    }

    /** Channels per group at a kept fraction of each group's full width, within [minimum, available]. */
    private int[] perGroup(double fraction, int[] available) {
        int[] out = new int[available.length];
        for (int g = 0; g < out.length; g++) {
            int want = (int) Math.round(fraction * budget.channels(g));
            out[g] = Math.min(available[g], Math.max(minimum[g], want));
        }
        return out;
    }

    private boolean within(int[] counts, double maxCost) {
        return budget.cost(counts) <= maxCost * (1 + 1e-12);
    }

    static int[] counts(List<boolean[]> kept) {
        int[] out = new int[kept.size()];
        for (int g = 0; g < out.length; g++) {
            for (boolean b : kept.get(g)) {
                out[g] += b ? 1 : 0;
            }
        }
        return out;
    }

    private static List<boolean[]> copy(List<boolean[]> masks) {
        List<boolean[]> out = new ArrayList<>();
        masks.forEach(m -> out.add(m.clone()));
        return out;
    }
}
