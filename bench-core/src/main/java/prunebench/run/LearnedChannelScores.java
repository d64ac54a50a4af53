package prunebench.run;

import ai.djl.ndarray.NDArray;

/**
 * A structured learned strategy's trained scores (one per weight, the same across a filter), handed to the
 * channel pruner: a channel scores the mean of its filter's scores.
 */
record LearnedChannelScores(LearnedScores learned)
        implements prunebench.prune.structured.StructuredStrategy {
    @Override
    public String name() {
        return learned.name();
    }

    @Override
    public String description() {
        return learned.description();
    }

    @Override
    public java.util.Map<String, float[]> channelScores(prunebench.prune.PruningContext context,
            java.util.List<prunebench.model.ChannelGroup> groups) {
        java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (prunebench.model.ChannelGroup g : groups) {
            NDArray s = learned.scores().get(g.name());
            if (s == null) {
                continue;
            }
            float[] w = s.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            int size = w.length / g.channels();
            float[] channel = new float[g.channels()];
            for (int c = 0; c < channel.length; c++) {
                double sum = 0;
                for (int i = c * size; i < (c + 1) * size; i++) {
                    sum += w[i];
                }
                channel[c] = (float) (sum / size);
            }
            out.put(g.name(), channel);
        }
        return out;
    }
}
