package prunebench.prune.structured;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.model.ChannelStructure;
import prunebench.model.NarrowedNetwork;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.model.TiedGroup;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningRounds;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;

/**
 * Structured pruning of one network, the counterpart of {@link prunebench.prune.Pruner} for a
 * {@link StructuredStrategy}: finds the prunable channel groups ({@link ChannelStructure}), scores their channels,
 * keeps the best ones under the target (compression or speedup, within the {@code min_channels} guard) and writes
 * the choice as masks over every tensor the groups touch, so the rest of a run (fine-tuning with the masks held,
 * checkpoints, counting) treats it like any other mask. {@link #rebuild} turns the masked network into a smaller
 * real one.
 */
public final class ChannelPruner {
    private final Network network;
    private final List<ChannelGroup> groups;
    private final List<TiedGroup> ties;
    private final List<PruningTarget> targets;

    public ChannelPruner(Network network) {
        this(network, false);
    }

    /**
     * @param removeTies whether whole residual-stream channels ({@link ChannelStructure#tiedGroups}) may go too; the
     *                   targets then also hold their members' weights, biases, gammas and betas and their readers'
     *                   weights (a network without residual additions has none)
     */
    public ChannelPruner(Network network, boolean removeTies) {
        this.network = network;
        this.groups = ChannelStructure.of(network);
        if (groups.isEmpty()) {
            throw new ConfigException("model " + network.modelName() + " has no channels structured pruning can "
                    + "remove");
        }
        this.ties = removeTies ? ChannelStructure.tiedGroups(network) : List.of();
        this.targets = targetsOf(network, groups, ties);
    }

    public List<ChannelGroup> groups() {
        return groups;
    }

    /** The tied groups this pruner may remove (empty unless built with {@code removeTies}). */
    public List<TiedGroup> ties() {
        return ties;
    }

    /**
     * Every tensor a removed channel zeroes: producers' weights, biases, gammas and betas, consumers' weights, in
     * the network's parameter order. The masks of a structured run are over these.
     */
    public List<PruningTarget> targets() {
        return targets;
    }

    /**
     * Prunes {@code masks} (over {@link #targets()}) in place down to {@code target} and applies them. Over
     * {@code iterations} rounds the cost follows the exponential schedule dense / target^(k/iterations), each round
     * re-scoring the network with the current masks applied.
     *
     * @param target       the compression (dense / remaining trainable parameters) or, with the strategy's
     *                     {@code target: speedup}, the theoretical speedup (dense / remaining multiply-adds)
     * @param distribution GLOBAL: one ranking of all channels; UNIFORM: the same fraction of channels per layer
     * @param denseFirst   leave the first group whole
     */
    public void prune(StructuredStrategy strategy, StrategyOptions options, MaskSet masks, double target,
            Distribution distribution, int iterations, boolean denseFirst, BatchLoader data, int batchSize,
            long seed) {
        prune(strategy, options, masks, target, distribution, iterations, denseFirst, data, null, batchSize, seed);
    }

    /**
     * The same, the strategy's contexts carrying the held-out {@code validation} split (null: none held out) and each
     * round's kept fraction of the dense cost ({@link prunebench.prune.PruningContext#keptFraction()}).
     */
    public void prune(StructuredStrategy strategy, StrategyOptions options, MaskSet masks, double target,
            Distribution distribution, int iterations, boolean denseFirst, BatchLoader data, BatchLoader validation,
            int batchSize, long seed) {
        if (distribution == Distribution.ERK || distribution == Distribution.LAYER_DENSITIES) {
            throw new ConfigException("structured pruning supports scope global or layer, not "
                    + distribution.name().toLowerCase(Locale.ROOT));
        }
        boolean speedup = options.getString(StructuredStrategy.TARGET).equals("speedup");
        ChannelBudget budget = new ChannelBudget(network, groups, ties,
                speedup ? ChannelBudget.Measure.MULTIPLY_ADDS : ChannelBudget.Measure.PARAMETERS);
        double minChannels = options.getDouble(StructuredStrategy.MIN_CHANNELS);
        int[] minimum = minimumChannels(minChannels, denseFirst);
        ChannelSelection selection = new ChannelSelection(budget, minimum);
        double dense = budget.dense();
        Map<String, Double> fractions = LayerFractions.of(options);
        // Fixed per-layer fractions replace the target (one step: validated with the strategy).
        int[] fixed = fractions.isEmpty() ? null : LayerFractions.keptCounts(fractions, groups, network.modelName());
        if (!ties.isEmpty() && (fixed != null || distribution != Distribution.GLOBAL)) {
            throw new ConfigException("removing tied groups (whole residual-stream channels) ranks them with the "
                    + "other channels in one ranking: it needs scope global and no layer_fractions");
        }
        int[] rowMinimum = rowMinimum(minChannels, denseFirst);
        boolean[] locked = locked(rowMinimum);
        NDManager manager = network.block().getParameters().valueAt(0).getArray().getManager();
        PruningRounds.run(network, targets, masks, data, validation, batchSize, seed, options, iterations,
                (roundContext, r) -> {
            double maxCost = dense / Math.pow(target, (r + 1.0) / iterations);
            prunebench.prune.PruningContext context = roundContext.withKeptFraction(maxCost / dense);
            Map<String, float[]> scores = strategy.channelScores(context, groups);
            List<float[]> ordered = new ArrayList<>();
            for (ChannelGroup g : groups) {
                float[] s = scores.get(g.name());
                if (s == null || s.length != g.channels()) {
                    throw new IllegalStateException("strategy '" + strategy.name() + "' returned "
                            + (s == null ? "no scores" : s.length + " scores") + " for " + g.name() + " with "
                            + g.channels() + " channels");
                }
                ordered.add(s);
            }
            List<boolean[]> current = ChannelMasks.read(masks, groups);
            for (int g = 0; g < groups.size(); g++) {
                checkFinite(strategy, groups.get(g), ordered.get(g), current.get(g));
            }
            if (!ties.isEmpty()) {
                float[] tieScores = strategy.tiedGroupScores(context, ties);
                boolean[] tiesNow = ChannelMasks.readTies(masks, ties);
                if (tieScores == null || tieScores.length != ties.size()) {
                    throw new IllegalStateException("strategy '" + strategy.name() + "' returned "
                            + (tieScores == null ? "no scores" : tieScores.length + " scores") + " for "
                            + ties.size() + " tied groups");
                }
                checkFinite(strategy, "the tied groups", tieScores, tiesNow);
                ChannelSelection.Choice choice = selection.global(ordered, current, tieScores, tiesNow, rowMinimum,
                        locked, maxCost);
                if (choice == null) {
                    double best = dense / selection.floor(ordered, current, tieScores, tiesNow, rowMinimum, locked);
                    throw unreachable(budget, best, target, options);
                }
                ChannelMasks.write(masks, groups, choice.kept(), ties, choice.tiesKept(), manager);
                strategy.afterSelection(context, groups, masks);
                return;
            }
            List<boolean[]> kept = fixed != null ? ChannelSelection.fixed(ordered, current, fixed)
                    : distribution == Distribution.GLOBAL
                    ? selection.global(ordered, current, maxCost)
                    : selection.layerwise(ordered, current, maxCost);
            if (kept == null) {
                throw unreachable(budget, minimum, target, options);
            }
            ChannelMasks.write(masks, groups, kept, manager);
            strategy.afterSelection(context, groups, masks);
        });
    }

    /**
     * One step of pruning during training (Molchanov et al. 2019's {@code compute_saliency}): removes the channels
     * still there lowest score first (ties: earlier group, then lower index), at most {@code count} of them, skipping
     * groups at their {@code min_channels} (the first group whole with {@code denseFirst}), and stops as soon as the
     * cost (the strategy's {@code target}: parameters or multiply-adds) is within dense / {@code target}. Writes and
     * applies the masks (over {@link #targets()}).
     *
     * @return the channels removed and whether the target is now met
     * @throws ConfigException when the target cannot be met by removing everything the guards allow
     */
    public Removal removeLowest(Map<String, float[]> scores, int count, MaskSet masks, StrategyOptions options,
            double target, boolean denseFirst) {
        boolean speedup = options.getString(StructuredStrategy.TARGET).equals("speedup");
        ChannelBudget budget = new ChannelBudget(network, groups, ties,
                speedup ? ChannelBudget.Measure.MULTIPLY_ADDS : ChannelBudget.Measure.PARAMETERS);
        int[] minimum = minimumChannels(options.getDouble(StructuredStrategy.MIN_CHANNELS), denseFirst);
        boolean[] tiesNow = ChannelMasks.readTies(masks, ties); // the tied groups already gone stay gone
        if (budget.dense() / budget.cost(minimum, tiesNow) < target) {
            throw unreachable(budget, minimum, target, options);
        }
        double maxCost = budget.dense() / target;
        List<boolean[]> kept = ChannelMasks.read(masks, groups);
        int[] counts = ChannelSelection.counts(kept);
        record Channel(int group, int index, float score) {}
        List<Channel> candidates = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            float[] s = scores.get(groups.get(g).name());
            for (int c = 0; c < kept.get(g).length; c++) {
                if (kept.get(g)[c]) {
                    candidates.add(new Channel(g, c, s[c]));
                }
            }
        }
        candidates.sort(java.util.Comparator.comparingDouble((Channel ch) -> ch.score())
                .thenComparingInt(Channel::group).thenComparingInt(Channel::index));
        int removed = 0;
        for (Channel ch : candidates) {
            if (removed == count || budget.cost(counts, tiesNow) <= maxCost) {
                break;
            }
            if (counts[ch.group()] > minimum[ch.group()]) {
                kept.get(ch.group())[ch.index()] = false;
                counts[ch.group()]--;
                removed++;
            }
        }
        ChannelMasks.write(masks, groups, kept, ties, tiesNow,
                network.block().getParameters().valueAt(0).getArray().getManager());
        masks.apply();
        return new Removal(removed, budget.cost(counts, tiesNow) <= maxCost);
    }

    /**
     * The channels each group (in {@link #groups()} order) keeps when a one-shot prune of the whole network to
     * {@code compression} (parameters) removes the same fraction of every group's channels ({@code scope: layer},
     * {@code min_channels} 1): how many filters of each layer such a prune will remove, known before it runs (what
     * auto-balanced regularisation pushes down beforehand).
     *
     * @throws ConfigException when the compression cannot be met
     */
    public int[] layerwiseKept(double compression) {
        ChannelBudget budget = new ChannelBudget(network, groups, ChannelBudget.Measure.PARAMETERS);
        int[] minimum = minimumChannels(1, false);
        List<float[]> scores = new ArrayList<>();
        List<boolean[]> all = new ArrayList<>();
        for (ChannelGroup g : groups) {
            scores.add(new float[g.channels()]);
            boolean[] k = new boolean[g.channels()];
            java.util.Arrays.fill(k, true);
            all.add(k);
        }
        List<boolean[]> kept = new ChannelSelection(budget, minimum).layerwise(scores, all, budget.dense()
                / compression);
        if (kept == null) {
            throw new ConfigException(String.format(Locale.ROOT, "compression %s is unreachable by removing the same "
                    + "fraction of every layer's channels of %s", fmt(compression), network.modelName()));
        }
        return ChannelSelection.counts(kept);
    }

    /** What {@link #removeLowest} did: channels removed, and whether the target is met. */
    public record Removal(int removed, boolean targetMet) {}

    /** Checks {@code layer_fractions} against this network's prunable layers before anything is trained. */
    public void checkOptions(StrategyOptions options) {
        Map<String, Double> fractions = LayerFractions.of(options);
        if (!fractions.isEmpty()) {
            LayerFractions.keptCounts(fractions, groups, network.modelName());
        }
    }

    /**
     * A NaN sorts above every number, so NaN or infinite channel scores would pick the channels kept in an arbitrary
     * order and the run would be recorded as a valid result of the strategy: it stops instead (as Pruner does for
     * weight scores). Channels already removed are not ranked, so their scores are not looked at.
     */
    private static void checkFinite(StructuredStrategy strategy, ChannelGroup g, float[] scores, boolean[] alive) {
        checkFinite(strategy, g.name(), scores, alive);
    }

    private static void checkFinite(StructuredStrategy strategy, String what, float[] scores, boolean[] alive) {
        int nan = 0;
        int infinite = 0;
        int candidates = 0;
        for (int c = 0; c < scores.length; c++) {
            if (!alive[c]) {
                continue;
            }
            candidates++;
            if (Float.isNaN(scores[c])) {
                nan++;
            } else if (Float.isInfinite(scores[c])) {
                infinite++;
            }
        }
        if (nan + infinite > 0) {
            throw new IllegalStateException("strategy '" + strategy.name() + "' returned non-finite scores for "
                    + what + ": " + nan + " NaN and " + infinite + " infinite of its " + candidates
                    + " remaining channels; scores must be finite numbers to rank channels, so this run stops "
                    + "instead of pruning in an arbitrary order");
        }
    }

    /** The surviving channels of every group, by group name, read from masks over {@link #targets()}. */
    public Map<String, int[]> kept(MaskSet masks) {
        List<boolean[]> kept = ChannelMasks.read(masks, groups);
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            boolean[] k = kept.get(g);
            int[] idx = new int[ChannelSelection.counts(List.of(k))[0]];
            int n = 0;
            for (int c = 0; c < k.length; c++) {
                if (k[c]) {
                    idx[n++] = c;
                }
            }
            out.put(groups.get(g).name(), idx);
        }
        return out;
    }

    /**
     * The masked network rebuilt with only the surviving channels, on {@code manager}: the same outputs, fewer
     * filters. The weights copied are the network's current (e.g. fine-tuned) values.
     */
    public Network rebuild(MaskSet masks, NDManager manager) {
        return NarrowedNetwork.build(network, groups, kept(masks), ties, tiesKept(masks), manager);
    }

    /** Which tied groups (in {@link #ties()} order) are still there, read from masks over {@link #targets()}. */
    public boolean[] tiesKept(MaskSet masks) {
        return ChannelMasks.readTies(masks, ties);
    }

    /**
     * The least number of rows each layer (in the network's layer order) keeps under {@code min_channels}: a tied
     * group whose removal would take a member's layer below it stays. The first layer stays whole with
     * {@code denseFirst}.
     */
    private int[] rowMinimum(double minChannels, boolean denseFirst) {
        List<PrunableLayer> layers = network.layers();
        int[] out = new int[layers.size()];
        for (int l = 0; l < out.length; l++) {
            int rows = Math.toIntExact(layers.get(l).weightShape().get(0));
            int min = minChannels < 1 ? (int) Math.ceil(minChannels * rows) : (int) minChannels;
            out[l] = Math.min(rows, Math.max(1, min));
        }
        if (denseFirst && out.length > 0) {
            out[0] = Math.toIntExact(layers.get(0).weightShape().get(0));
        }
        return out;
    }

    /** Tied groups that can never go: one of their members' layers must keep every row. */
    private boolean[] locked(int[] rowMinimum) {
        Map<String, Integer> index = new HashMap<>();
        List<PrunableLayer> layers = network.layers();
        for (int l = 0; l < layers.size(); l++) {
            index.put(layers.get(l).name(), l);
        }
        boolean[] out = new boolean[ties.size()];
        for (int t = 0; t < out.length; t++) {
            for (TiedGroup.Member m : ties.get(t).members()) {
                int l = index.get(m.layer().name());
                out[t] |= rowMinimum[l] >= layers.get(l).weightShape().get(0);
            }
        }
        return out;
    }

    private int[] minimumChannels(double minChannels, boolean denseFirst) {
        int[] out = new int[groups.size()];
        for (int g = 0; g < out.length; g++) {
            int channels = groups.get(g).channels();
            int min = minChannels < 1 ? (int) Math.ceil(minChannels * channels) : (int) minChannels;
            out[g] = Math.min(channels, Math.max(1, min));
        }
        if (denseFirst) {
            out[0] = groups.get(0).channels();
        }
        return out;
    }

    private ConfigException unreachable(ChannelBudget budget, int[] minimum, double target, StrategyOptions options) {
        return unreachable(budget, budget.dense() / budget.cost(minimum), target, options);
    }

    private ConfigException unreachable(ChannelBudget budget, double best, double target, StrategyOptions options) {
        boolean speedup = budget.measure() == ChannelBudget.Measure.MULTIPLY_ADDS;
        return new ConfigException(String.format(Locale.ROOT, "%s %s is unreachable by structured pruning of %s: "
                + "keeping min_channels (%s) in each of its %d prunable layers gives at most %.2f; lower the target "
                + "or min_channels", speedup ? "speedup" : "compression", fmt(target), network.modelName(),
                fmt(options.getDouble(StructuredStrategy.MIN_CHANNELS)), groups.size(), best));
    }

    /** A producer's weight, bias and BatchNorm scale / shift, each mapped to the producing layer. */
    private static void putProducer(Map<String, PrunableLayer> layerOf, PrunableLayer producer, String bias,
            ChannelGroup.Norm norm) {
        layerOf.put(producer.name(), producer);
        if (bias != null) {
            layerOf.put(bias, producer);
        }
        if (norm != null) {
            layerOf.put(norm.gamma(), producer);
            layerOf.put(norm.beta(), producer);
        }
    }

    private static List<PruningTarget> targetsOf(Network network, List<ChannelGroup> groups, List<TiedGroup> ties) {
        Map<String, PrunableLayer> layerOf = new HashMap<>();
        for (ChannelGroup g : groups) {
            putProducer(layerOf, g.producer(), g.bias(), g.norm());
            for (ChannelGroup.Consumer c : g.consumers()) {
                layerOf.put(c.layer().name(), c.layer());
            }
        }
        for (TiedGroup t : ties) {
            for (TiedGroup.Member m : t.members()) {
                putProducer(layerOf, m.layer(), m.bias(), m.norm());
            }
            for (TiedGroup.Reader r : t.readers()) {
                layerOf.put(r.layer().name(), r.layer());
            }
        }
        List<PruningTarget> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : network.allParameters().entrySet()) {
            PrunableLayer layer = layerOf.get(e.getKey());
            if (layer != null) {
                out.add(new PruningTarget(e.getKey(), e.getValue(), layer));
            }
        }
        return out;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
