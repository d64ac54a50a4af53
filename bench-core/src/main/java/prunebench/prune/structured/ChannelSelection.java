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
        List<Channel> candidates = candidates(scores, kept);
        candidates.sort(Channel.REMOVAL_ORDER);
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

    /** What {@link #global(List, List, float[], boolean[], int[], boolean[], double)} keeps. */
    record Choice(List<boolean[]> kept, boolean[] tiesKept) {}

    /**
     * One ranking of every group's channels and the tied groups (whole residual-stream channels) together, removed
     * lowest score first until the cost is within budget (ties of equal score: tied groups first, then as
     * {@link #global(List, List, double)}). A tied group is skipped where removing it would take one of its members'
     * layers below {@code rowMinimum} (by layer index; the {@code min_channels} guard) or where it is {@code locked}
     * (it holds the first layer's filter and the first layer stays whole). Null when the budget cannot be met.
     *
     * @param tieScores  one score per tied group
     * @param tieCurrent which tied groups are still there
     */
    Choice global(List<float[]> scores, List<boolean[]> current, float[] tieScores, boolean[] tieCurrent,
            int[] rowMinimum, boolean[] locked, double maxCost) {
        Choice c = greedy(scores, current, tieScores, tieCurrent, rowMinimum, locked, maxCost);
        return within(counts(c.kept()), c.tiesKept(), maxCost) ? c : null;
    }

    /** Everything the guards let go removed: the lowest cost reachable, for the message of an unreachable target. */
    double floor(List<float[]> scores, List<boolean[]> current, float[] tieScores, boolean[] tieCurrent,
            int[] rowMinimum, boolean[] locked) {
        Choice c = greedy(scores, current, tieScores, tieCurrent, rowMinimum, locked, -1);
        return budget.cost(counts(c.kept()), c.tiesKept());
    }

    private Choice greedy(List<float[]> scores, List<boolean[]> current, float[] tieScores, boolean[] tieCurrent,
            int[] rowMinimum, boolean[] locked, double maxCost) {
        List<boolean[]> kept = copy(current);
        boolean[] ties = tieCurrent.clone();
        int[] counts = counts(kept);
        int[] rows = new int[rowMinimum.length];
        for (int l = 0; l < rows.length; l++) {
            rows[l] = budget.rows(l);
        }
        for (int t = 0; t < ties.length; t++) {
            if (!ties[t]) {
                for (int l : budget.tieLayers(t)) {
                    rows[l]--;
                }
            }
        }
        int tieGroup = kept.size(); // tied groups rank as groups after every channel group
        List<Channel> candidates = candidates(scores, kept);
        for (int t = 0; t < ties.length; t++) {
            if (ties[t] && !locked[t]) {
                candidates.add(Channel.of(tieGroup, t, tieScores[t]));
            }
        }
        candidates.sort(Channel.REMOVAL_ORDER);
        for (Channel ch : candidates) {
            if (within(counts, ties, maxCost)) {
                break;
            }
            if (ch.group() == tieGroup) {
                int[] layers = budget.tieLayers(ch.index());
                boolean allowed = true;
                for (int l : layers) {
                    int taken = 0;
                    for (int m : layers) {
                        taken += m == l ? 1 : 0;
                    }
                    allowed &= rows[l] - taken >= rowMinimum[l];
                }
                if (allowed) {
                    ties[ch.index()] = false;
                    for (int l : layers) {
                        rows[l]--;
                    }
                }
            } else if (counts[ch.group()] > minimum[ch.group()]) {
                kept.get(ch.group())[ch.index()] = false;
                counts[ch.group()]--;
            }
        }
        return new Choice(kept, ties);
    }

    private boolean within(int[] counts, boolean[] ties, double maxCost) {
        return budget.cost(counts, ties) <= maxCost * (1 + 1e-12);
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
        return fixed(scores, current, perGroup(lo, available));
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

    /** A removable channel (or, in the tied ranking, a tied group) and its score; NaN ranks first (removed first). */
    private record Channel(int group, int index, float score) {
        /** Lowest score first; ties: the later group, then the later channel first. */
        static final Comparator<Channel> REMOVAL_ORDER = Comparator.comparingDouble((Channel ch) -> ch.score())
                .thenComparing(Comparator.comparingInt(Channel::group).reversed())
                .thenComparing(Comparator.comparingInt(Channel::index).reversed());

        static Channel of(int group, int index, float score) {
            return new Channel(group, index, Float.isNaN(score) ? Float.NEGATIVE_INFINITY : score);
        }
    }

    /** Every channel still kept, with its score. */
    private static List<Channel> candidates(List<float[]> scores, List<boolean[]> kept) {
        List<Channel> candidates = new ArrayList<>();
        for (int g = 0; g < kept.size(); g++) {
            for (int c = 0; c < kept.get(g).length; c++) {
                if (kept.get(g)[c]) {
                    candidates.add(Channel.of(g, c, scores.get(g)[c]));
                }
            }
        }
        return candidates;
    }
}
