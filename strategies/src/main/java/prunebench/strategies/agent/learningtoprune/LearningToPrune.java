package prunebench.strategies.agent.learningtoprune;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;

/**
 * Huang, Zhou, You &amp; Neumann (WACV 2018), "Learning to Prune Filters in Convolutional Neural Networks"
 * (arXiv:1801.07365): one pruning agent per layer, the layers taken first to last. The agent of a layer is a policy
 * network ({@link BernoulliPolicy}) from the layer's filter weights to a keep probability per filter; each of its
 * {@code episodes} samples {@code samples} keep/drop actions, tries each on the network (the dropped filters zeroed,
 * nothing trained) and scores it on held-out validation examples with the paper's reward ({@link Reward}: accuracy
 * term psi with drop bound {@code drop_bound} b, times efficiency term log(m / kept)); REINFORCE with a moving-average
 * baseline ({@link MovingBaseline}) updates the policy (Adam, {@code policy_lr}). The trained agent's decision (keep
 * where p &gt; 0.5, at least {@code min_channels}) is then held while the whole network fine-tunes for
 * {@code layer_finetune_steps} SGD steps (momentum 0.9, {@code layer_finetune_lr}) before the next layer's agent
 * starts from the network so changed: the paper's prune-and-fine-tune, layer after layer.
 *
 * <p>The reward reads the run's held-out validation split ({@code dataset.validation}; its first
 * {@code reward_examples}, 1000, -1 all of them), never the test set: a run without one fails, saying so. Every random draw (the policies'
 * initialisation, the actions, the fine-tuning order) comes from the run's seed, so a search repeats exactly.
 *
 * <p>How this fits the grid: the search's scores are the final keep probabilities, and the grid's compression, not
 * b, decides how many filters go (ranked together across layers by default, {@code scope: global}, so that the
 * agents' per-layer choices carry over; filters the agents kept have p &gt; 0.5, the dropped ones below). The
 * network the grid prunes is the one the search fine-tuned, with the dropped filters given back their values from
 * before the search. Paper, third-party code and our defaults are compared in docs/structured-pruning.md.
 *
 * <p>This class holds the keys and the layer-after-layer order; one agent's training is {@link LayerAgentSearch}, its
 * reward examples {@link RewardExamples}, its decision {@link KeepDecision}, the fine-tuning {@link LayerFineTuning}.
 */
public final class LearningToPrune implements StructuredStrategy {
    static final String EPISODES = "episodes";
    static final String SAMPLES = "samples";
    static final String POLICY_LR = "policy_lr";
    static final String HIDDEN = "hidden";
    static final String DROP_BOUND = "drop_bound";
    static final String BASELINE_DECAY = "baseline_decay";
    static final String INIT_KEEP = "init_keep";
    static final String REWARD_EXAMPLES = "reward_examples";
    static final String LAYER_STEPS = "layer_finetune_steps";
    static final String LAYER_LR = "layer_finetune_lr";
    static final double LAYER_MOMENTUM = 0.9;
    static final int EVAL_BATCH = 500;

    @Override
    public String name() {
        return "learning_to_prune";
    }

    @Override
    public String description() {
        return "per-layer REINFORCE agents keep or drop each filter, rewarded by validation accuracy within a drop "
                + "bound times log(filters / kept) (Huang et al. 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(EPISODES, 50);
        d.put(SAMPLES, 5);
        d.put(POLICY_LR, 0.003);
        d.put(HIDDEN, 32);
        d.put(DROP_BOUND, 0.02);
        d.put(BASELINE_DECAY, 0.9);
        d.put(INIT_KEEP, 0.5);
        d.put(REWARD_EXAMPLES, 1000);
        d.put(LAYER_STEPS, 50);
        d.put(LAYER_LR, 0.01);
        return Map.copyOf(d);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.GLOBAL;
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        positive(options, EPISODES);
        positive(options, SAMPLES);
        positive(options, HIDDEN);
        if (!(options.getDouble(POLICY_LR) > 0)) {
            throw new ConfigException(POLICY_LR + " must be a positive number, got " + options.raw(POLICY_LR));
        }
        if (!(options.getDouble(DROP_BOUND) > 0)) {
            throw new ConfigException(DROP_BOUND + " (the accuracy drop bound b, a fraction: 0.02 = two points) must "
                    + "be positive, got " + options.raw(DROP_BOUND));
        }
        double decay = options.getDouble(BASELINE_DECAY);
        if (!(decay >= 0 && decay < 1)) {
            throw new ConfigException(BASELINE_DECAY + " must be in [0, 1), got " + options.raw(BASELINE_DECAY));
        }
        double keep = options.getDouble(INIT_KEEP);
        if (!(keep > 0 && keep < 1)) {
            throw new ConfigException(INIT_KEEP + " must be in (0, 1), got " + options.raw(INIT_KEEP));
        }
        int examples = options.getInt(REWARD_EXAMPLES);
        if (examples < 1 && examples != -1) {
            throw new ConfigException(REWARD_EXAMPLES + " must be >= 1 or -1 (the whole validation split), got "
                    + options.raw(REWARD_EXAMPLES));
        }
        if (options.getInt(LAYER_STEPS) < 0) {
            throw new ConfigException(LAYER_STEPS + " must be >= 0, got " + options.raw(LAYER_STEPS));
        }
        if (!(options.getDouble(LAYER_LR) > 0)) {
            throw new ConfigException(LAYER_LR + " must be a positive number, got " + options.raw(LAYER_LR));
        }
    }

    private static void positive(StrategyOptions options, String key) {
        if (options.getInt(key) < 1) {
            throw new ConfigException(key + " must be >= 1, got " + options.raw(key));
        }
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        BatchLoader validation = context.validation();
        if (validation == null) {
            throw new ConfigException(name() + " rewards its agents on held-out validation examples, never the test "
                    + "set: give the experiment a validation split (dataset.validation, e.g. 5000)");
        }
        StrategyOptions o = context.options();
        Random random = context.random();
        long orderSeed = random.nextLong();
        Network network = context.network();
        Map<String, float[]> out = new LinkedHashMap<>();
        List<LayerFilters> held = new ArrayList<>();
        try {
            RewardExamples rewardSet = RewardExamples.of(validation, o.getInt(REWARD_EXAMPLES));
            int[] step = {0};
            for (ChannelGroup g : groups) {
                LayerFilters layer = new LayerFilters(network, g);
                double[] p = LayerAgentSearch.run(context, layer, rewardSet, random);
                float[] scores = new float[p.length];
                for (int f = 0; f < p.length; f++) {
                    scores[f] = (float) p[f];
                }
                out.put(g.name(), scores);
                boolean[] kept = KeepDecision.decision(p,
                        KeepDecision.minimum(o.getDouble(MIN_CHANNELS), p.length));
                layer.zero(kept);
                layer.hold(kept);
                held.add(layer);
                LayerFineTuning.run(context, held, orderSeed, step);
            }
        } finally {
            for (LayerFilters l : held) {
                l.restoreDropped();
            }
            context.network().trainableParameters().values()
                    .forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
        }
        return out;
    }

}
