package prunebench.strategies.penalty;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.config.PenaltySpec;
import prunebench.model.ChannelGroup;
import prunebench.prune.Distribution;
import prunebench.prune.LearnedMask;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.LayerFractions;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.strategies.learned.GroupLasso;

/**
 * Auto-balanced filter pruning, AFP (Ding, Ding, Han &amp; Tang, "Auto-balanced filter pruning for efficient
 * convolutional neural networks", AAAI 2018): the pretrained network is trained for {@code learn_epochs} (-1, the
 * default: the fine-tuning's epochs) with the fine-tuning schedule plus auto-balanced regularisation, {@code
 * lambda} / 2 x sum tau_j ||K_j||^2 over the filters of every layer: each layer's weakest filters by L2 norm (those
 * the prune will remove) get a positive factor 1 + ln(theta / ||K_j||), theta the norm at the layer's threshold, and
 * its other filters one negative factor that balances the layer's terms to a sum of zero, so that the weak filters
 * shrink while the strong ones grow (bench-core's {@code prunebench.train.AutoBalancedRegularization}, on the one
 * penalty mechanism). Then the weak filters are removed with everything that depends on them (the structured
 * prune, by filter L2 norm, the same fraction of every layer by default), the network rebuilt and fine-tuned.
 *
 * <p>{@code ratio}: the fraction of each layer's filters counted weak, or {@code auto} (default): for each layer,
 * as many filters as a one-shot prune to the run's compression removes with the same fraction in every layer, so
 * that the penalised filters are those the prune then removes (which requires {@code scope: layer}, the compression
 * target, {@code min_channels} 1, no {@code layer_fractions} and no {@code dense_first_layer}; with a number any of
 * these may be set, and the penalised and removed sets may then differ).
 *
 * <p>Where this differs from the paper: no code was released, and the paper's text was not at hand when this was
 * written, so the factors follow its description (positive factors for the filters to be pruned, growing as they
 * weaken; negative factors for the others; their sum balanced to zero); the one negative factor the strong filters
 * share and the default {@code lambda} 5e-4 are this benchmark's choices, not checked against its equations. The
 * paper prunes iteratively, all layers abreast ("abreast advancing": regularise, prune a share of every layer,
 * retrain, repeat) and only convolutions; here one round (iterations 1) to the run's compression, over every
 * channel group structured pruning can remove (LeNet-5's hidden Linear units too). Ties at the threshold go by
 * index.
 */
public final class AutoBalancedFilterPruning implements StructuredStrategy, PenalizedStrategy {
    static final String RATIO = "ratio";
    static final String AUTO = "auto";

    @Override
    public String name() {
        return "auto_balanced";
    }

    @Override
    public String description() {
        return "auto-balanced regularisation (weak filters penalised, strong stimulated, sum zero), then the weak "
                + "filters removed by L2 norm (Ding et al. 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new HashMap<>(STRUCTURED_DEFAULTS);
        d.put("lambda", 5e-4);
        d.put(RATIO, AUTO);
        d.put(LearnedMask.LEARN_EPOCHS, -1);
        return Map.copyOf(d);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public boolean duringPretraining() {
        return false;
    }

    @Override
    public void validate(StrategyOptions o) {
        StructuredStrategy.super.validate(o);
        MagnitudeAfterPenalty.positive(o, "lambda");
        if (o.getInt(LearnedMask.LEARN_EPOCHS) < -1) {
            throw new ConfigException("learn_epochs must be a non-negative integer (or -1: the fine-tuning's), got "
                    + o.raw(LearnedMask.LEARN_EPOCHS));
        }
        if (o.has("iterations") && o.getInt("iterations") != 1) {
            throw new ConfigException("auto_balanced regularises toward one prune: iterations must be 1, got "
                    + o.raw("iterations"));
        }
        if (!Double.isNaN(ratio(o))) {
            return;
        }
        String why = null;
        if (o.has("scope") && o.getString("scope").equals("global")
                || o.has("distribution") && o.getString("distribution").toLowerCase(Locale.ROOT).equals("global")) {
            why = "scope global";
        } else if (o.getString(TARGET).equals("speedup")) {
            why = "target speedup";
        } else if (o.getDouble(MIN_CHANNELS) != 1) {
            why = "min_channels " + o.raw(MIN_CHANNELS);
        } else if (!LayerFractions.of(o).isEmpty()) {
            why = LAYER_FRACTIONS;
        } else if (o.has("dense_first_layer") && o.getBoolean("dense_first_layer")) {
            why = "dense_first_layer";
        }
        if (why != null) {
            throw new ConfigException(RATIO + ": " + AUTO + " penalises the filters a one-shot prune with the same "
                    + "fraction of every layer removes toward the compression; with " + why + " give " + RATIO
                    + " as the fraction of each layer's filters to penalise");
        }
    }

    /**
     * The {@code ratio} given, or NaN for {@code auto}. A value whose default is a word arrives as text, so a number
     * may come as "0.5".
     */
    static double ratio(StrategyOptions o) {
        Object raw = o.raw(RATIO);
        if (AUTO.equals(raw)) {
            return Double.NaN;
        }
        double r;
        try {
            r = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(raw).trim());
        } catch (NumberFormatException e) {
            r = Double.NaN;
        }
        if (!(r > 0 && r < 1)) {
            throw new ConfigException(RATIO + " is the fraction of each layer's filters penalised as weak, in (0, 1), "
                    + "or '" + AUTO + "' (those the prune to the run's compression removes), got '" + raw + "'");
        }
        return r;
    }

    /** Without a run's compression: the given ratio, or for {@code auto} nothing weak (compression 1). */
    @Override
    public PenaltySpec penalty(StrategyOptions o) {
        return penalty(o, 1);
    }

    @Override
    public PenaltySpec penalty(StrategyOptions o, double compression) {
        double r = ratio(o);
        return PenaltySpec.of(PenaltySpec.AUTO_BALANCED, o.getDouble("lambda"), Double.isNaN(r)
                ? Map.of("compression", compression) : Map.of(RATIO, r));
    }

    /** The L2 norm of each filter, what the regularisation split the filters by. */
    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        return new GroupLasso().channelScores(context, groups);
    }
}
