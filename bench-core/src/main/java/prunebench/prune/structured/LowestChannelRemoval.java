package prunebench.prune.structured;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.model.TiedGroup;
import prunebench.prune.MaskSet;

/**
 * One step of pruning during training ({@link ChannelPruner#removeLowest}, Molchanov et al. 2019's
 * {@code compute_saliency}): a few channels at a time, lowest score first, stopping at the cost target. Its own
 * order (ties: earlier group, then lower index) is the reference's, not {@link ChannelSelection}'s, which is why it
 * does not share that ranking.
 */
final class LowestChannelRemoval {
    private final List<ChannelGroup> groups;
    private final List<TiedGroup> ties;
    private final ChannelBudget budget;
    private final int[] minimum;

    /** @param minimum channels each group keeps at least */
    LowestChannelRemoval(List<ChannelGroup> groups, List<TiedGroup> ties, ChannelBudget budget, int[] minimum) {
        this.groups = groups;
        this.ties = ties;
        this.budget = budget;
        this.minimum = minimum;
    }

    /**
     * Removes at most {@code count} of the channels still there, skipping groups at their minimum, until the cost is
     * within {@code maxCost}; writes and applies the masks, the tied groups staying as {@code tiesNow}.
     */
    ChannelPruner.Removal remove(Map<String, float[]> scores, int count, MaskSet masks, boolean[] tiesNow,
            double maxCost, NDManager manager) {
        List<boolean[]> kept = ChannelMasks.read(masks, groups);
        int[] counts = ChannelSelection.counts(kept);
        record Channel(int group, int index, float score) {}
        List<Channel> candidates = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            float[] s = scores.get(groups.get(g).name());
            for (int c = 0; c < kept.get(g).length; c++) {
                if (kept.get(g)[c]) {
                    candidates.add(new Channel(g, c, s[c]));
                }
            }
        }
        candidates.sort(Comparator.comparingDouble((Channel ch) -> ch.score())
                .thenComparingInt(Channel::group).thenComparingInt(Channel::index));
        int removed = 0;
        for (Channel ch : candidates) {
            if (removed == count || budget.cost(counts, tiesNow) <= maxCost) {
                break;
            }
            if (counts[ch.group()] > minimum[ch.group()]) {
                kept.get(ch.group())[ch.index()] = false;
                counts[ch.group()]--;
                removed++;
            }
        }
        ChannelMasks.write(masks, groups, kept, ties, tiesNow, manager);
        masks.apply();
        return new ChannelPruner.Removal(removed, budget.cost(counts, tiesNow) <= maxCost);
    }
}
