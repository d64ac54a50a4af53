package prunebench.strategies.structured;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.model.ChannelGroup;
import prunebench.prune.Distribution;
import prunebench.prune.PruningContext;
import prunebench.prune.structured.StructuredStrategy;

/** Whole filters chosen at random (seeded), the same fraction per layer: the structured baseline. */
public final class RandomFilter implements StructuredStrategy {
    @Override
    public String name() {
        return "random_filter";
    }

    @Override
    public String description() {
        return "whole filters at random, the same fraction per layer";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        Random random = context.random();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            float[] scores = new float[g.channels()];
            for (int c = 0; c < scores.length; c++) {
                scores[c] = random.nextFloat();
            }
            out.put(g.name(), scores);
        }
        return out;
    }
}
