package prunebench.strategies.learned;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.config.PenaltySpec;
import prunebench.model.ChannelGroup;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.strategies.structured.BnScale;

/**
 * Network slimming (Liu et al. 2017), the whole method: the dense model is trained with the L1 penalty {@code s} x
 * sum |gamma| on every BatchNorm scale (its pretraining schedule gets {@code penalty: {name: l1_bn, weight: s}}, so it
 * is a dense model of its own, cached beside the plain one), then channels are removed by |gamma| in one global
 * ranking ({@code bn_scale}) and the network is fine-tuned. {@code s} defaults to 1e-4, the authors' default
 * ({@code main.py --s 0.0001}, liuzhuang13/slimming and Eric-mingjie/network-slimming; the paper uses 1e-4 for VGG
 * and 1e-5 for ResNet and DenseNet on CIFAR). The reference adds s * sign(gamma) to gamma's gradient after the
 * backward pass ({@code updateBN}); here autograd differentiates s * |gamma| inside the loss, the same subgradient
 * (sign(0) = 0 in both).
 */
public final class Slimming implements StructuredStrategy, PenalizedStrategy {
    private final BnScale scores = new BnScale();

    @Override
    public String name() {
        return "slimming";
    }

    @Override
    public String description() {
        return "network slimming: L1 on BatchNorm scales in pretraining, then bn_scale channel pruning (Liu et al. 2017)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new HashMap<>(STRUCTURED_DEFAULTS);
        d.put("s", 1e-4);
        return Map.copyOf(d);
    }

    @Override
    public void validate(StrategyOptions o) {
        StructuredStrategy.super.validate(o);
        if (!(o.getDouble("s") >= 0)) {
            throw new ConfigException("s must be a non-negative number, got " + o.raw("s"));
        }
    }

    @Override
    public PenaltySpec penalty(StrategyOptions options) {
        return PenaltySpec.l1Bn(options.getDouble("s"));
    }

    @Override
    public boolean duringPretraining() {
        return true;
    }

    @Override
    public void checkNetwork(prunebench.model.Network network, List<ChannelGroup> groups) {
        scores.checkNetwork(network, groups); // slimming penalises and ranks BatchNorm scales: it needs them
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        return scores.channelScores(context, groups);
    }
}
