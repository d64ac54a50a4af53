package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import prunebench.model.ChannelGroup;
import prunebench.model.ChannelStructure;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;

/**
 * Structured L0 regularisation (Louizos, Welling &amp; Kingma 2018): one hard-concrete gate per output channel
 * (filter) of every layer whose channels may be removed, as AMLab-Amsterdam/L0_regularization's {@code L0Conv2d}
 * gates output feature maps. The gate multiplies the whole filter; its term of the expected L0 penalty is
 * P(z != 0) times the weights the filter carries (the reference's {@code _reg_w}: {@code lamba} summed over input
 * channels and kernel), scaled by lambda / N. Same parameters and defaults as {@code l0} but {@code groups} (the
 * per-layer {@code lambdas} and {@code droprate_inits} and the P(open)-weighted {@code weight_decay} included), plus
 * the structured ones. After the learning stage the channels whose gates are most likely open (highest log_alpha)
 * are kept, to the run's compression, by the channel pruner; the network is rebuilt without the others.
 *
 * <p>Where this differs from the reference: its Linear layers gate input neurons and this gates every prunable
 * layer's output channels (the classifier's outputs are never gated): for the reference's Linear form, unrebuilt,
 * see {@code l0} with {@code groups: input_neurons}; its bias is dropped while training with sampled weights and
 * gated at test time (counted in the expected L0 with its sign flipped in {@code _reg_w}), here the bias stays
 * ungated and outside the L0 term (in the weight decay term, weighted by its channel's P(open)), and goes with its
 * channel at the prune; gates are trained on the run's starting weights rather than from scratch.
 */
public final class L0Channels implements LearnedMask, StructuredStrategy {
    @Override
    public String name() {
        return "l0_channels";
    }

    @Override
    public String description() {
        return "hard-concrete gates per output channel with the expected-L0 penalty (Louizos et al. 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new HashMap<>(L0.gateDefaults());
        d.putAll(STRUCTURED_DEFAULTS);
        return Map.copyOf(d);
    }

    @Override
    public void validate(StrategyOptions o) {
        L0.validateGates(o);
        StructuredStrategy.super.validate(o);
    }

    @Override
    public Gates gates(GateContext c) {
        return L0.gates(c, channelGates(c));
    }

    /** (C_out, 1, ..., 1) for every weight whose output channels the channel pruner may remove. */
    static Map<String, Shape> channelGates(GateContext c) {
        Set<String> targets = c.targets().stream().map(t -> t.name()).collect(Collectors.toSet());
        Map<String, Shape> out = new LinkedHashMap<>();
        for (ChannelGroup g : ChannelStructure.of(c.network())) {
            if (!targets.contains(g.name())) {
                continue;
            }
            long[] dims = new long[g.producer().weightShape().dimension()];
            java.util.Arrays.fill(dims, 1);
            dims[0] = g.channels();
            out.put(g.name(), new Shape(dims));
        }
        return out;
    }

    /** The trained gates score channels: {@code PlanRunner} hands them to the channel pruner after learning. */
    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        throw new IllegalStateException(name() + " scores with its trained gates: it needs a learning stage first");
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        return LearnedMask.super.score(context);
    }
}
