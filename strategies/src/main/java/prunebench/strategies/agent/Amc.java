package prunebench.strategies.agent;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
import prunebench.train.Evaluator;

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
        for (String key : List.of("scope", "distribution")) {
            if (o.has(key) && !o.getString(key).equalsIgnoreCase("global")) {
                throw new ConfigException(key + ": amc chooses each layer's fraction itself; only global is "
                        + "accepted, got '" + o.getString(key) + "'");
            }
        }
        if (o.has(prunebench.prune.Control.KEY) && o.getString(prunebench.prune.Control.KEY).equals("invert")) {
            throw new ConfigException("control: invert does not apply to amc: its scores only carry the agent's "
                    + "per-layer counts (shuffle and reinit do)");
        }
        if (o.has("iterations") && o.getInt("iterations") != 1) {
            throw new ConfigException("amc searches once from the network it is given: iterations must be 1");
        }
        if (!prunebench.prune.structured.LayerFractions.of(o).isEmpty()) {
            throw new ConfigException("amc chooses the layers' fractions itself: layer_fractions cannot be given");
        }
        if (o.getInt(EPISODES) < 1) {
            throw new ConfigException(EPISODES + " must be >= 1, got " + o.raw(EPISODES));
        }
        if (o.getInt(WARMUP) < 0) {
            throw new ConfigException(WARMUP + " must be >= 0, got " + o.raw(WARMUP));
        }
        double lbound = o.getDouble(LBOUND);
        if (!(lbound >= 0 && lbound <= 1)) {
            throw new ConfigException(LBOUND + " must be in [0, 1], got " + o.raw(LBOUND));
        }
        String reward = o.getString(REWARD);
        if (!reward.equals("acc") && !reward.equals("acc_flops")) {
            throw new ConfigException(REWARD + " must be 'acc' (the code's acc_reward) or 'acc_flops' "
                    + "(-error x log(FLOPs)), got '" + reward + "'");
        }
        for (String key : List.of(NOISE, ACTOR_LR, CRITIC_LR)) {
            if (!(o.getDouble(key) > 0)) {
                throw new ConfigException(key + " must be a positive number, got " + o.raw(key));
            }
        }
        for (String key : List.of(NOISE_DECAY, DISCOUNT, TAU)) {
            double v = o.getDouble(key);
            if (!(v >= 0 && v <= 1)) {
                throw new ConfigException(key + " must be in [0, 1], got " + o.raw(key));
            }
        }
        for (String key : List.of(HIDDEN1, HIDDEN2, BATCH, MEMORY, CHANNEL_ROUND)) {
            if (o.getInt(key) < 1) {
                throw new ConfigException(key + " must be >= 1, got " + o.raw(key));
            }
        }
    }

    static AmcSearch.Settings settings(StrategyOptions o) {
        return new AmcSearch.Settings(o.getInt(EPISODES), o.getInt(WARMUP), o.getDouble(LBOUND), o.getDouble(NOISE),
                o.getDouble(NOISE_DECAY), o.getInt(BATCH), o.getInt(MEMORY), o.getInt(CHANNEL_ROUND),
                o.getString(REWARD).equals("acc") ? AmcSearch.Reward.ACC : AmcSearch.Reward.ACC_FLOPS,
                new Ddpg.Settings(AmcSearch.STATE, o.getInt(HIDDEN1), o.getInt(HIDDEN2), o.getDouble(ACTOR_LR),
                        o.getDouble(CRITIC_LR), o.getDouble(TAU), o.getDouble(DISCOUNT)));
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
        Cost flops = cost(network, groups, false);
        Cost constraint = cost(network, groups, !speedup);
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
            features[g] = features(g, reader, network.block());
            double after = 0;
            for (int l = layers.indexOf(reader) + 1; l < layers.size(); l++) {
                after += layers.get(l).weightCount() * (double) layers.get(l).usesPerWeight();
            }
            rest[g] = after / denseFlops;
        }
        List<int[]> order = new ArrayList<>();
        List<float[]> importance = new ArrayList<>();
        for (ChannelGroup g : groups) {
            float[] imp = importance(g);
            importance.add(imp);
            order.add(descending(imp));
        }
        AmcSearch search = new AmcSearch(settings(o), features, channels, minimum, constraint, budget, flops, rest);
        AmcSearch.Result result = search.run(kept -> accuracy(context, groups, keptSets(order, kept, channels),
                validation), context.random("amc"));
        List<boolean[]> policy = keptSets(order, result.kept(), channels);
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

    /** The raw features of the layer reading group {@code step}: [t, type, in, out, stride, kernel, weights]. */
    static double[] features(int step, PrunableLayer layer, Block root) {
        Shape w = layer.weightShape();
        boolean conv = layer.kind() == PrunableLayer.Kind.CONV;
        double stride = conv ? strideOf(root, layer.weight()) : 0;
        double kernel = conv ? w.get(2) : 1;
        return new double[] {step, conv ? 0 : 1, w.get(1), w.get(0), stride, kernel, w.size()};
    }

    private static double strideOf(Block block, Parameter weight) {
        if (block instanceof Convolution c && c.getParameters().contains("weight")
                && c.getParameters().get("weight") == weight) {
            return c.getStride().get(0);
        }
        for (Pair<String, Block> child : block.getChildren()) {
            double s = strideOf(child.getValue(), weight);
            if (s > 0) {
                return s;
            }
        }
        return 0;
    }

    /**
     * Multiply-adds ({@code parameters} false) or trainable parameters as a {@link Cost} of the groups' kept
     * fractions, counted as the structured pruner counts them.
     */
    static Cost cost(Network network, List<ChannelGroup> groups, boolean parameters) {
        Map<String, Integer> producerOf = new HashMap<>();
        Map<String, Integer> consumerOf = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            producerOf.put(groups.get(g).name(), g);
            for (ChannelGroup.Consumer c : groups.get(g).consumers()) {
                consumerOf.put(c.layer().name(), g);
            }
        }
        Cost.Builder b = new Cost.Builder();
        long layerWeights = 0;
        for (PrunableLayer l : network.layers()) {
            double size = l.weightCount() * (parameters ? 1.0 : l.usesPerWeight());
            layerWeights += l.weightCount();
            b.term(size, consumerOf.getOrDefault(l.name(), -1), producerOf.getOrDefault(l.name(), -1));
        }
        if (parameters) {
            long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long perChannel = 0;
            for (int g = 0; g < groups.size(); g++) {
                ChannelGroup group = groups.get(g);
                long extra = ((group.bias() != null ? 1 : 0) + (group.norm() != null ? 2 : 0)) * (long) group.channels();
                perChannel += extra;
                b.term(extra, g, -1);
            }
            b.constant(total - layerWeights - perChannel);
        }
        return b.build();
    }

    /** Per input channel of the group, the sum of |w| over the reading layers' weights of that channel. */
    static float[] importance(ChannelGroup group) {
        float[] out = new float[group.channels()];
        for (ChannelGroup.Consumer c : group.consumers()) {
            float[] w = c.layer().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
            Shape shape = c.layer().weightShape();
            int d0 = Math.toIntExact(shape.get(0));
            int d1 = Math.toIntExact(shape.get(1));
            int inner = w.length / d0 / d1;
            for (int o = 0; o < d0; o++) {
                for (int col = 0; col < d1; col++) {
                    double s = 0;
                    for (int k = 0; k < inner; k++) {
                        s += Math.abs(w[(o * d1 + col) * inner + k]);
                    }
                    out[col / c.factor()] += (float) s;
                }
            }
        }
        return out;
    }

    /** Channel indices by decreasing importance, ties by index. */
    static int[] descending(float[] importance) {
        Integer[] idx = new Integer[importance.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(importance[b], importance[a]) != 0
                ? Float.compare(importance[b], importance[a]) : Integer.compare(a, b));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    static List<boolean[]> keptSets(List<int[]> order, int[] kept, int[] channels) {
        List<boolean[]> out = new ArrayList<>();
        for (int g = 0; g < kept.length; g++) {
            boolean[] k = new boolean[channels[g]];
            for (int i = 0; i < kept[g]; i++) {
                k[order.get(g)[i]] = true;
            }
            out.add(k);
        }
        return out;
    }

    /** Top-1 on the validation split of the network with only {@code kept} channels (weights left untouched). */
    private static double accuracy(PruningContext context, List<ChannelGroup> groups, List<boolean[]> kept,
            BatchLoader validation) {
        try (NDManager episode = context.manager().newSubManager()) {
            Map<Parameter, NDArray> masked = new IdentityHashMap<>();
            for (Map.Entry<String, float[]> e : ChannelMasks.expanded(groups, kept, context.targets()).entrySet()) {
                PruningTarget t = targetOf(context, e.getKey());
                NDArray value = t.array();
                NDArray m = episode.create(e.getValue(), value.getShape()).toDevice(value.getDevice(), false)
                        .toType(value.getDataType(), false);
                m.muli(value);
                masked.put(t.parameter(), m);
            }
            return Evaluator.evaluate(context.network(), validation, episode, 500,
                    scope -> new MaskedStore(scope, masked)).top1();
        }
    }

    private static PruningTarget targetOf(PruningContext context, String name) {
        for (PruningTarget t : context.targets()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("no target " + name);
    }

    /** The network's own parameters, but the masked copies of the tensors a candidate policy prunes. */
    private static final class MaskedStore extends ParameterStore {
        private final Map<Parameter, NDArray> masked;

        MaskedStore(NDManager manager, Map<Parameter, NDArray> masked) {
            super(manager, false);
            this.masked = masked;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            NDArray m = masked.get(parameter);
            return m != null ? m : super.getValue(parameter, device, training);
        }
    }
}
