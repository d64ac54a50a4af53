package prunebench.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.model.ChannelGroup;
import prunebench.prune.PruningContext;
import prunebench.prune.structured.StructuredStrategy;

/** Seeded random channel scores, for core tests of structured pruning that cannot see the strategies module. */
public final class TestChannelScores implements StructuredStrategy {
    @Override
    public String name() {
        return "test_channels";
    }

    @Override
    public String description() {
        return "random channel scores";
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        Random random = context.random();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            float[] s = new float[g.channels()];
            for (int i = 0; i < s.length; i++) {
                s[i] = random.nextFloat();
            }
            out.put(g.name(), s);
        }
        return out;
    }

    /** Random scores for the tied groups too, drawn after the channels' (only called where ties may go). */
    @Override
    public float[] tiedGroupScores(PruningContext context, List<prunebench.model.TiedGroup> ties) {
        Random random = context.random();
        float[] out = new float[ties.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextFloat();
        }
        return out;
    }
}
