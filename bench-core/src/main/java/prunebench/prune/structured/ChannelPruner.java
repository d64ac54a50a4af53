package prunebench.prune.structured;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.model.ChannelStructure;
import prunebench.model.NarrowedNetwork;
import prunebench.model.Network;
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
 *
 * <p>This class holds the steps in order; each concern is its own class: the masked tensors ({@link ChannelTargets}),
 * the {@code min_channels} guard ({@link ChannelMinimums}), the checks on a strategy's scores
 * ({@link ChannelScoreChecks}), the choice of channels ({@link ChannelSelection}, or {@link LowestChannelRemoval}
 * for a step during training), the masks ({@link ChannelMasks}) and the errors of a target out of reach
 * ({@link UnreachableTarget}).
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
        this.targets = ChannelTargets.of(network, groups, ties);
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
        ChannelBudget budget = budget(options);
        double minChannels = options.getDouble(StructuredStrategy.MIN_CHANNELS);
        int[] minimum = ChannelMinimums.perGroup(groups, minChannels, denseFirst);
        ChannelSelection selection = new ChannelSelection(budget, minimum);
        double dense = budget.dense();
        Map<String, Double> fractions = LayerFractions.of(options);
        // Fixed per-layer fractions replace the target (one step: validated with the strategy).
        int[] fixed = fractions.isEmpty() ? null : LayerFractions.keptCounts(fractions, groups, network.modelName());
        if (!ties.isEmpty() && (fixed != null || distribution != Distribution.GLOBAL)) {
            throw new ConfigException("removing tied groups (whole residual-stream channels) ranks them with the "
                    + "other channels in one ranking: it needs scope global and no layer_fractions");
        }
        int[] rowMinimum = ChannelMinimums.rowsPerLayer(network.layers(), minChannels, denseFirst);
        boolean[] locked = ChannelMinimums.lockedTies(network.layers(), ties, rowMinimum);
        NDManager manager = manager();
        PruningRounds.run(network, targets, masks, data, validation, batchSize, seed, options, iterations,
                (roundContext, r) -> {
            double maxCost = dense / Math.pow(target, (r + 1.0) / iterations);
            prunebench.prune.PruningContext context = roundContext.withKeptFraction(maxCost / dense);
            Map<String, float[]> scores = strategy.channelScores(context, groups);
            List<float[]> ordered = ChannelScoreChecks.inGroupOrder(strategy, scores, groups);
            List<boolean[]> current = ChannelMasks.read(masks, groups);
            ChannelScoreChecks.checkFinite(strategy, groups, ordered, current);
            if (!ties.isEmpty()) {
                float[] tieScores = strategy.tiedGroupScores(context, ties);
                boolean[] tiesNow = ChannelMasks.readTies(masks, ties);
                ChannelScoreChecks.checkTied(strategy, tieScores, ties.size(), tiesNow);
                ChannelSelection.Choice choice = selection.global(ordered, current, tieScores, tiesNow, rowMinimum,
                        locked, maxCost);
                if (choice == null) {
                    double best = dense / selection.floor(ordered, current, tieScores, tiesNow, rowMinimum, locked);
                    throw UnreachableTarget.of(budget, best, target, options, network.modelName(), groups.size());
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
                throw UnreachableTarget.of(budget, minimum, target, options, network.modelName(), groups.size());
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
        ChannelBudget budget = budget(options);
        int[] minimum = ChannelMinimums.perGroup(groups, options.getDouble(StructuredStrategy.MIN_CHANNELS),
                denseFirst);
        boolean[] tiesNow = ChannelMasks.readTies(masks, ties); // the tied groups already gone stay gone
        if (budget.dense() / budget.cost(minimum, tiesNow) < target) {
            throw UnreachableTarget.of(budget, minimum, target, options, network.modelName(), groups.size());
        }
        return new LowestChannelRemoval(groups, ties, budget, minimum).remove(scores, count, masks, tiesNow,
                budget.dense() / target, manager());
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
        int[] minimum = ChannelMinimums.perGroup(groups, 1, false);
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
            throw UnreachableTarget.layerwise(compression, network.modelName());
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

    /** The surviving channels of every group, by group name, read from masks over {@link #targets()}. */
    public Map<String, int[]> kept(MaskSet masks) {
        return ChannelMasks.keptIndices(masks, groups);
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

    /** The strategy's {@code target}: the cost is trainable parameters, or multiply-adds for a speedup. */
    private ChannelBudget budget(StrategyOptions options) {
        boolean speedup = options.getString(StructuredStrategy.TARGET).equals("speedup");
        return new ChannelBudget(network, groups, ties,
                speedup ? ChannelBudget.Measure.MULTIPLY_ADDS : ChannelBudget.Measure.PARAMETERS);
    }

    /** The manager the network's parameters live on, where the masks are written. */
    private NDManager manager() {
        return network.block().getParameters().valueAt(0).getArray().getManager();
    }
}
