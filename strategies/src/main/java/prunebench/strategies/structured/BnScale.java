package prunebench.strategies.structured;

import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.prune.PruningContext;
import prunebench.prune.structured.StructuredStrategy;

/**
 * Network slimming (Liu et al. 2017): channels ranked by |gamma| of the BatchNorm that follows them, one global
 * ranking as in the paper. This ranks the gammas of whatever dense model the run starts from: of ordinary training,
 * or of a pretraining with {@code penalty: {name: l1_bn, ...}}; {@code slimming} is the paper's whole method (the
 * penalised pretraining, then this ranking). Every prunable layer needs a BatchNorm (VGG, ResNet; not LeNet-5).
 */
public final class BnScale implements StructuredStrategy {
    @Override
    public String name() {
        return "bn_scale";
    }

    @Override
    public String description() {
        return "channels by |BatchNorm gamma| (network slimming, Liu et al. 2017), one global ranking";
    }

    @Override
    public void checkNetwork(Network network, List<ChannelGroup> groups) {
        for (ChannelGroup g : groups) {
            if (g.norm() == null) {
                throw new ConfigException("bn_scale ranks channels by their BatchNorm's gamma, but " + g.name() + " of "
                        + network.modelName() + " has no BatchNorm; use l1_filter or random_filter");
            }
        }
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        checkNetwork(context.network(), groups);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            float[] gamma = context.network().allParameters().get(g.norm().gamma()).getArray()
                    .toType(DataType.FLOAT32, false).toFloatArray();
            for (int c = 0; c < gamma.length; c++) {
                gamma[c] = Math.abs(gamma[c]);
            }
            out.put(g.name(), gamma);
        }
        return out;
    }
}
