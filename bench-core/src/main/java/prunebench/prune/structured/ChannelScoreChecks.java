package prunebench.prune.structured;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.prune.FiniteScores;

/**
 * What a {@link StructuredStrategy}'s scores must be before {@link ChannelPruner} ranks channels with them: one per
 * channel of every group (one per tied group), and finite. A plug-in strategy that breaks either stops the run
 * with a message naming it, instead of the ranking silently picking channels in an arbitrary order.
 */
final class ChannelScoreChecks {
    private ChannelScoreChecks() {}

    /** The strategy's scores in {@code groups} order, each checked to hold one score per channel of its group. */
    static List<float[]> inGroupOrder(StructuredStrategy strategy, Map<String, float[]> scores,
            List<ChannelGroup> groups) {
        List<float[]> ordered = new ArrayList<>();
        for (ChannelGroup g : groups) {
            float[] s = scores.get(g.name());
            if (s == null || s.length != g.channels()) {
                throw new IllegalStateException("strategy '" + strategy.name() + "' returned "
                        + (s == null ? "no scores" : s.length + " scores") + " for " + g.name() + " with "
                        + g.channels() + " channels");
            }
            ordered.add(s);
        }
        return ordered;
    }

    /** Checks that every group's remaining channels ({@code current}) have finite scores. */
    static void checkFinite(StructuredStrategy strategy, List<ChannelGroup> groups, List<float[]> ordered,
            List<boolean[]> current) {
        for (int g = 0; g < groups.size(); g++) {
            checkFinite(strategy, groups.get(g).name(), ordered.get(g), current.get(g));
        }
    }

    /** Checks the tied groups' scores: one per tied group, finite for those still there ({@code tiesNow}). */
    static void checkTied(StructuredStrategy strategy, float[] tieScores, int ties, boolean[] tiesNow) {
        if (tieScores == null || tieScores.length != ties) {
            throw new IllegalStateException("strategy '" + strategy.name() + "' returned "
                    + (tieScores == null ? "no scores" : tieScores.length + " scores") + " for "
                    + ties + " tied groups");
        }
        checkFinite(strategy, "the tied groups", tieScores, tiesNow);
    }

    /** Channels already removed are not ranked, so their scores are not looked at. */
    private static void checkFinite(StructuredStrategy strategy, String what, float[] scores, boolean[] alive) {
        FiniteScores.check(strategy.name(), what, scores, alive, "remaining channels", "channels");
    }
}
