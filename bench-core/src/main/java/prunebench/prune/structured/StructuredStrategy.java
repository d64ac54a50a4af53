package prunebench.prune.structured;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;

/**
 * A strategy that removes whole output channels (filters) instead of single weights. It scores channels; the
 * {@link ChannelPruner} decides which channels may go ({@link prunebench.model.ChannelStructure}), how many
 * (compression or speedup target, {@code min_channels}, scope) and expands the choice into per-weight masks that
 * zero the filter, its bias, its BatchNorm gamma and beta, and the consumers' matching inputs.
 *
 * <p>Parameters every structured strategy accepts, besides the common ones:
 * <ul>
 *   <li>{@code target}: {@code compression} (default) or {@code speedup}: what the experiment's compression list
 *       means for this strategy, parameters or multiply-adds (dense / remaining);</li>
 *   <li>{@code min_channels}: channels every prunable layer keeps, against layer collapse: a count (default 1) or,
 *       below 1, a fraction of the layer's channels (rounded up, at least 1);</li>
 *   <li>{@code layer_fractions}: fixed fractions of channels to remove from named layers, e.g. Li et al.'s VGG-16
 *       "pruned-A" {@code {conv1_1: 0.5, conv4_1: 0.5, ..., conv5_3: 0.5}} (layer names as {@code layers.csv}
 *       shows them, without the numeric prefix and {@code _weight}); unnamed layers stay whole. The strategy's
 *       scores choose which channels go; the compression target is then not used: every compression above 1 in the
 *       grid runs this one pruning, and {@code compression_actual} reports what it gives.</li>
 * </ul>
 * Scope {@code global} ranks all channels together, {@code layer} removes the same fraction of channels per layer.
 */
public interface StructuredStrategy extends PruningStrategy {
    String TARGET = "target";
    String MIN_CHANNELS = "min_channels";
    String LAYER_FRACTIONS = "layer_fractions";
    /**
     * A parameter a strategy may declare (taylor does): with {@code iterations: n}, the run trains this many steps of
     * its training schedule after each of the first n - 1 prunes (prune, fine-tune, repeat) instead of re-scoring
     * without training; 0 (default) keeps the rounds back to back.
     */
    String STEPS_BETWEEN = "steps_between";
    /** The parameters above and their defaults ({@code layer_fractions} empty: a compression target). */
    Map<String, Object> STRUCTURED_DEFAULTS = Map.of(TARGET, "compression", MIN_CHANNELS, 1.0, LAYER_FRACTIONS,
            Map.of());

    @Override
    default Map<String, Object> parameterDefaults() {
        return STRUCTURED_DEFAULTS;
    }

    /**
     * Scores the channels of every group, by {@link ChannelGroup#name()}, one score per output channel: the highest
     * are kept. Channels already removed are never chosen again, whatever their score. The context's targets are
     * every tensor the groups touch, with the current masks applied.
     */
    Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups);

    /**
     * Whether a run with these options also removes whole residual-stream channels ({@link
     * prunebench.model.TiedGroup}: every filter a residual addition ties together, with the readers' input columns),
     * ranked with the channels by {@link #tiedGroupScores}. Default false: only the channels of {@link
     * prunebench.model.ChannelStructure#of} go.
     */
    default boolean removesTiedGroups(StrategyOptions options) {
        return false;
    }

    /**
     * One score per tied group (in the order given), on the scale of {@link #channelScores}' so that one ranking
     * can take both: the highest are kept. Called only where {@link #removesTiedGroups} is true.
     */
    default float[] tiedGroupScores(PruningContext context, List<prunebench.model.TiedGroup> ties) {
        throw new UnsupportedOperationException(name() + " does not score tied groups");
    }

    /**
     * Called in every round of {@link ChannelPruner#prune} once the round's channels are chosen and written into
     * {@code masks} ({@link #channelScores} told which), before the masks are applied: the network still has the
     * weights the round scored. A strategy may change weights here, as {@code channel_pruning} sets each consumer of
     * a pruned layer to the least-squares reconstruction of its output from the kept channels, or remove further
     * channels from {@code masks}, as {@code amc} removes the rest of its agent's policy where the budget was met
     * before its end (never add channels back: the budget is checked before); the masks are applied after it
     * returns. Default: nothing.
     */
    default void afterSelection(PruningContext context, List<ChannelGroup> groups, prunebench.prune.MaskSet masks) {}

    /**
     * Whether a run with these options removes whole channels (masks over every tensor a channel touches, the network
     * rebuilt smaller at the end): true for every structured strategy but one that only zeroes filters and reports
     * the masked network, as {@code soft_filter}'s reference does; such a run has single-weight masks.
     */
    default boolean removesChannels(StrategyOptions options) {
        return true;
    }

    /**
     * Checks, when the experiment is loaded (dry run included), that this strategy can score the channel groups of
     * {@code network}, throwing a {@link ConfigException} that says why not (bn_scale on a network without
     * BatchNorm), instead of failing each run after its pretraining.
     */
    default void checkNetwork(prunebench.model.Network network, List<prunebench.model.ChannelGroup> groups) {}

    /**
     * For a strategy whose runs have single-weight masks ({@link #removesChannels} false): checks, when the experiment
     * is loaded, that {@code compression} can be met on {@code network}, throwing a {@link ConfigException} that
     * says why not. {@code targets} are the run's prunable tensors, {@code keep} the entries of them its compression
     * keeps.
     */
    default void checkTarget(prunebench.model.Network network, List<prunebench.prune.PruningTarget> targets,
            StrategyOptions options, double compression, long keep) {}

    /** Structured strategies score channels, not weights; {@link ChannelPruner} expands the choice into masks. */
    @Override
    default Map<String, NDArray> score(PruningContext context) {
        throw new UnsupportedOperationException(name() + " scores channels: prune with ChannelPruner");
    }

    @Override
    default void validate(StrategyOptions options) {
        String target = options.getString(TARGET);
        if (!target.equals("compression") && !target.equals("speedup")) {
            throw new ConfigException("target must be 'compression' or 'speedup', got '" + target + "'");
        }
        double min = options.getDouble(MIN_CHANNELS);
        if (!(min > 0) || (min >= 1 && min != Math.rint(min))) {
            throw new ConfigException("min_channels must be a whole number of channels >= 1 or a fraction in (0, 1), "
                    + "got " + min);
        }
        LayerFractions.of(options); // a map of layer name -> fraction in [0, 1)
        if (!LayerFractions.of(options).isEmpty() && options.has("iterations") && options.getInt("iterations") != 1) {
            throw new ConfigException("layer_fractions removes fixed fractions in one step: iterations must be 1");
        }
        if (options.has("distribution") && options.getString("distribution").equalsIgnoreCase("erk")) {
            throw new ConfigException("structured pruning supports scope global or layer (distribution global or "
                    + "uniform), not erk");
        }
    }
}
