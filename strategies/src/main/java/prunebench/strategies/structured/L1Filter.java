package prunebench.strategies.structured;

import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.prune.Distribution;
import prunebench.prune.PruningContext;
import prunebench.prune.structured.StructuredStrategy;

/**
 * Li et al. (2016), "Pruning Filters for Efficient ConvNets": filters ranked by the L1 norm of their weights, by
 * default the same fraction removed in every layer as in the paper. The norm is divided by the filter's size, a
 * constant within a layer (so the layer-wise ranking is the paper's), so that {@code scope: global} compares
 * layers of different fan-in on the same scale.
 */
public final class L1Filter implements StructuredStrategy {
    @Override
    public String name() {
        return "l1_filter";
    }

    @Override
    public String description() {
        return "whole filters by the L1 norm of their weights (Li et al. 2016), the same fraction per layer";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            float[] w = g.producer().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
            int filters = g.channels();
            int size = w.length / filters;
            float[] scores = new float[filters];
            for (int f = 0; f < filters; f++) {
                double sum = 0;
                for (int i = f * size; i < (f + 1) * size; i++) {
                    sum += Math.abs(w[i]);
                }
                scores[f] = (float) (sum / size);
            }
            out.put(g.name(), scores);
        }
        return out;
    }
}
