package prunebench.strategies.agent;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelMasks;
import prunebench.prune.structured.StructuredStrategy;

/**
 * AMC, He et al. (2018), "AMC: AutoML for Model Compression and Acceleration on Mobile Devices" (ECCV), as
 * mit-han-lab/amc runs its channel-pruning search: a DDPG agent ({@link Ddpg}) chooses, group by group in network
 * order, the fraction of channels to keep, under the run's budget enforced by clamping each action
 * ({@link AmcSearch#wall}); each episode's reward is the accuracy of the pruned network, without fine-tuning, on the
 * held-out validation split ({@code dataset.validation}, never the test set); the best policy of the search is the
 * prune. Within a group the channels kept are those whose input weights in the layer reading them have the largest
 * sum of |w| (the code's {@code importance = |W|.sum((0, 2, 3))} on that layer). Everything random (the agent's
 * initialisation, warm-up actions, noise, replay sampling) comes from the run's seed.
 *
 * <p>The budget is the run's compression read through {@code target}: {@code speedup} (amc's default: the paper's
 * FLOPs constraint, dense / remaining multiply-adds) or {@code compression} (parameters). The agent's counts are handed
 * to the pruner as scores (its removed channels below every kept one); the pruner meets the budget from below, and
 * where rounding left the policy above it, it removes the kept channels of lowest normalised importance;
 * {@link #afterSelection} then removes the rest of the policy's channels the pruner stopped short of, so the result
 * is the agent's policy whenever that meets the budget.
 *
 * <p>This class holds the keys and the round's steps; the checks are {@link AmcOptions}, the agent's view of a layer
 * {@link LayerFeatures}, the budget {@link Cost#of}, the channels kept within a group {@link ChannelImportance}, the
 * reward {@link PolicyAccuracy}, the search itself {@link AmcSearch}.
 */
public final class Amc implements StructuredStrategy {
    static final String EPISODES = "episodes";
    static final String WARMUP = "warmup";
    static final String LBOUND = "lbound";
    static final String REWARD = "reward";
    static final String NOISE = "noise";
    static final String NOISE_DECAY = "noise_decay";
    static final String DISCOUNT = "discount";
    static final String TAU = "tau";
    static final String ACTOR_LR = "actor_lr";
    static final String CRITIC_LR = "critic_lr";
    static final String HIDDEN1 = "hidden1";
    static final String HIDDEN2 = "hidden2";
    static final String BATCH = "batch";
    static final String MEMORY = "memory";
    static final String CHANNEL_ROUND = "channel_round";

    /**
     * The policy each context's search chose, for {@link #afterSelection} of the same round (the pruner hands both
     * calls the same context object); weak keys, so a context that never reaches afterSelection leaves nothing.
     */
    private final Map<PruningContext, List<boolean[]>> chosen = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public String name() {
        return "amc";
    }

    @Override
    public String description() {
        return "per-layer kept fractions chosen by a DDPG agent under the budget, rewarded by validation accuracy "
                + "(He et al. 2018, AMC)";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.GLOBAL; // the ranking only carries the agent's choice; see the class comment
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(TARGET, "speedup");
        d.put(EPISODES, 800);
        d.put(WARMUP, 100);
        d.put(LBOUND, 0.2);
        d.put(REWARD, "acc");
        d.put(NOISE, 0.5);
        d.put(NOISE_DECAY, 0.95);
        d.put(DISCOUNT, 1.0);
        d.put(TAU, 0.01);
        d.put(ACTOR_LR, 1e-4);
        d.put(CRITIC_LR, 1e-3);
        d.put(HIDDEN1, 300);
        d.put(HIDDEN2, 300);
        d.put(BATCH, 64);
        d.put(MEMORY, 100);
        d.put(CHANNEL_ROUND, 1);
        return Map.copyOf(d);
    }

    @Override
    public void validate(StrategyOptions o) {
        StructuredStrategy.super.validate(o);
        AmcOptions.validate(o);
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        StrategyOptions o = context.options();
        BatchLoader validation = context.validation();
        if (validation == null) {
            throw new ConfigException("amc is rewarded by accuracy on held-out training examples: set "
                    + "dataset.validation (e.g. 1000); the test split is never used");
        }
        double fraction = context.keptFraction();
        if (Double.isNaN(fraction)) {
            throw new IllegalStateException("amc needs the round's budget from the channel pruner");
        }
        Network network = context.network();
        boolean speedup = o.getString(TARGET).equals("speedup");
        Cost flops = Cost.of(network, groups, false);
        Cost constraint = Cost.of(network, groups, !speedup);
        int n = groups.size();
        double budget = fraction * constraint.dense(n);
        int[] channels = new int[n];
        int[] minimum = new int[n];
        double min = o.getDouble(MIN_CHANNELS);
        double[] lowest = new double[n];
        for (int g = 0; g < n; g++) {
            channels[g] = groups.get(g).channels();
            minimum[g] = Math.min(channels[g], Math.max(1, min < 1 ? (int) Math.ceil(min * channels[g]) : (int) min));
            lowest[g] = Math.max(o.getDouble(LBOUND), minimum[g] / (double) channels[g]);
        }
        if (o.has("dense_first_layer") && o.getBoolean("dense_first_layer")) {
            minimum[0] = channels[0]; // as the pruner's guard: the agent's first step then keeps the group whole
            lowest[0] = 1;
        }
        if (constraint.at(lowest) > budget * (1 + 1e-12)) {
            throw new ConfigException(String.format(Locale.ROOT, "amc: the %s target cannot be met with every layer "
                    + "at lbound %s or min_channels (that keeps %.4f of the dense %s, the target allows %.4f); lower lbound",
                    speedup ? "speedup" : "compression", o.raw(LBOUND), constraint.at(lowest) / constraint.dense(n),
                    speedup ? "multiply-adds" : "parameters", fraction));
        }
        List<PrunableLayer> layers = network.layers();
        double denseFlops = flops.dense(n);
        double[][] features = new double[n][];
        double[] rest = new double[n];
        for (int g = 0; g < n; g++) {
            ChannelGroup group = groups.get(g);
            PrunableLayer reader = group.consumers().isEmpty() ? group.producer() : group.consumers().get(0).layer();
            features[g] = LayerFeatures.of(g, reader, network.block());
            double after = 0;
            for (int l = layers.indexOf(reader) + 1; l < layers.size(); l++) {
                after += layers.get(l).weightCount() * (double) layers.get(l).usesPerWeight();
            }
            rest[g] = after / denseFlops;
        }
        List<int[]> order = new ArrayList<>();
        List<float[]> importance = new ArrayList<>();
        for (ChannelGroup g : groups) {
            float[] imp = ChannelImportance.importance(g);
            importance.add(imp);
            order.add(ChannelImportance.descending(imp));
        }
        AmcSearch search = new AmcSearch(AmcOptions.settings(o), features, channels, minimum, constraint, budget,
                flops, rest);
        AmcSearch.Result result = search.run(kept -> PolicyAccuracy.accuracy(context, groups,
                ChannelImportance.keptSets(order, kept, channels), validation), context.random("amc"));
        List<boolean[]> policy = ChannelImportance.keptSets(order, result.kept(), channels);
        chosen.put(context, policy);
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (int g = 0; g < n; g++) {
            float[] imp = importance.get(g);
            float max = 0;
            for (float v : imp) {
                max = Math.max(max, v);
            }
            float[] s = new float[imp.length];
            for (int c = 0; c < s.length; c++) {
                float norm = max > 0 ? imp[c] / max : 0;
                s[c] = policy.get(g)[c] ? 1 + norm : norm - 2; // the policy's removals below every kept channel
            }
            scores.put(groups.get(g).name(), s);
        }
        return scores;
    }

    /**
     * Removes, besides the pruner's choice, every channel the policy removes: where the pruner met the budget before
     * reaching the end of the policy's removals, the result is the policy; where the policy was above the budget the
     * pruner's choice (the policy's removals and more) stands.
     */
    @Override
    public void afterSelection(PruningContext context, List<ChannelGroup> groups, MaskSet masks) {
        List<boolean[]> policy = chosen.remove(context);
        if (policy == null) {
            return;
        }
        List<boolean[]> kept = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            ChannelGroup group = groups.get(g);
            float[] m = masks.get(group.name()).toType(DataType.FLOAT32, false).toFloatArray();
            int rows = group.channels();
            int size = m.length / rows;
            boolean[] k = new boolean[rows];
            for (int r = 0; r < rows; r++) {
                boolean any = false;
                for (int i = r * size; i < (r + 1) * size && !any; i++) {
                    any = m[i] > 0;
                }
                k[r] = any && policy.get(g)[r];
            }
            kept.add(k);
        }
        NDManager manager = context.network().block().getParameters().valueAt(0).getArray().getManager();
        for (Map.Entry<String, float[]> e : ChannelMasks.expanded(groups, kept, masks.targets()).entrySet()) {
            PruningTarget t = targetOf(masks, e.getKey());
            masks.set(e.getKey(), manager.create(e.getValue(), t.array().getShape()).toDevice(t.array().getDevice(),
                    false));
        }
    }

    private static PruningTarget targetOf(MaskSet masks, String name) {
        for (PruningTarget t : masks.targets()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("no target " + name);
    }
}
