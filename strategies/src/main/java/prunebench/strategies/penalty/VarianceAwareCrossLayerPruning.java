package prunebench.strategies.penalty;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.config.PenaltySpec;
import ai.djl.ndarray.types.DataType;
import prunebench.model.ChannelGroup;
import prunebench.model.TiedGroup;
import prunebench.prune.LearnedMask;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.strategies.learned.GroupLasso;

/**
 * Variance-aware cross-layer regularisation, VACL (Gao, Liu, Chien, Zhang &amp; Alvarez, "VACL: Variance-Aware
 * Cross-Layer Regularization for Pruning Deep Residual Networks", ICCV 2019 workshops, arXiv:1909.04485): the
 * pretrained network is trained for {@code learn_epochs} (-1, the default: the fine-tuning's epochs) with the
 * fine-tuning schedule plus {@code weight} x sum over the filter groups of (mu + {@code variance_weight} x sigma^2),
 * mu and sigma^2 the mean and population variance of the L2 norms of the group's filters (bench-core's {@code
 * prunebench.train.VarianceAwareCrossLayer}, on the one penalty mechanism). The cross-layer groups are the filters a
 * residual addition ties together ({@link prunebench.model.ChannelStructure#residualTies}: in a CIFAR ResNet the
 * stem's filter i with every block's conv2 filter i of stage 1, and on through the option-A shortcuts to filter i + 8
 * of stage 2 and i + 24 of stage 3); every other filter is a group of its own (for it the term is SSL's group lasso).
 * Then, with {@code remove_tied_groups} (default true), the cross-layer groups themselves are ranked with the
 * blocks' inner channels in one ranking (a group by its mu, a lone filter by its L2 norm, the mu of its group of
 * one) and the lowest go under the compression target: a removed group zeroes every member's filter, bias, gamma and
 * beta and its readers' input columns ({@link prunebench.prune.structured.ChannelPruner} with ties), and the rebuild
 * narrows the residual streams. With {@code remove_tied_groups: false} only the inner channels go by L2 norm (the
 * groups are penalised but stay), as this strategy did before. Either way the network is rebuilt and fine-tuned.
 *
 * <p>What is ours: the statistics and their combination are this benchmark's reading of the abstract (the paper's
 * text and equations were not at hand; no code was released), and so are the selection (the grid's compression,
 * one ranking of groups and channels; the paper's rule could not be read) and the defaults ({@code weight} 1e-3 as
 * group_lasso's, {@code variance_weight} 1).
 */
public final class VarianceAwareCrossLayerPruning implements StructuredStrategy, PenalizedStrategy {
    static final String WEIGHT = "weight";
    static final String VARIANCE_WEIGHT = "variance_weight";
    static final String REMOVE_TIED_GROUPS = "remove_tied_groups";

    @Override
    public String name() {
        return "vacl";
    }

    @Override
    public String description() {
        return "variance-aware cross-layer regularisation (filters tied by residual additions penalised as one group "
                + "by the mean and variance of their norms), then filters removed by L2 norm (Gao et al. 2019)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new HashMap<>(STRUCTURED_DEFAULTS);
        d.put(WEIGHT, 1e-3);
        d.put(VARIANCE_WEIGHT, 1.0);
        d.put(LearnedMask.LEARN_EPOCHS, -1);
        d.put(REMOVE_TIED_GROUPS, true);
        return Map.copyOf(d);
    }

    @Override
    public void validate(StrategyOptions o) {
        StructuredStrategy.super.validate(o);
        MagnitudeAfterPenalty.positive(o, WEIGHT);
        MagnitudeAfterPenalty.positive(o, VARIANCE_WEIGHT);
        o.getBoolean(REMOVE_TIED_GROUPS); // true or false
        if (o.getBoolean(REMOVE_TIED_GROUPS) && !prunebench.prune.structured.LayerFractions.of(o).isEmpty()) {
            throw new ConfigException("remove_tied_groups ranks the tied groups with the other channels under the "
                    + "compression target: it cannot be combined with layer_fractions (set remove_tied_groups: false)");
        }
        if (o.getBoolean(REMOVE_TIED_GROUPS) && o.has("scope") && o.getString("scope").equals("layer")
                || o.getBoolean(REMOVE_TIED_GROUPS) && o.has("distribution")
                && o.getString("distribution").equalsIgnoreCase("uniform")) {
            throw new ConfigException("remove_tied_groups needs scope global: a tied group spans several layers, so "
                    + "the same fraction per layer does not apply (set remove_tied_groups: false for scope layer)");
        }
        if (o.getInt(LearnedMask.LEARN_EPOCHS) < -1) {
            throw new ConfigException("learn_epochs must be a non-negative integer (or -1: the fine-tuning's), got "
                    + o.raw(LearnedMask.LEARN_EPOCHS));
        }
    }

    @Override
    public PenaltySpec penalty(StrategyOptions o) {
        return PenaltySpec.of(PenaltySpec.VACL, o.getDouble(WEIGHT), Map.of(VARIANCE_WEIGHT,
                o.getDouble(VARIANCE_WEIGHT)));
    }

    @Override
    public boolean duringPretraining() {
        return false;
    }

    @Override
    public boolean removesTiedGroups(StrategyOptions o) {
        return o.getBoolean(REMOVE_TIED_GROUPS);
    }

    /**
     * A tied group's score is the penalty's first-order statistic, mu: the mean of its members' filter L2 norms, on
     * the scale of a lone filter's score (its own L2 norm, the mu of a group of one), so the two rank together.
     */
    @Override
    public float[] tiedGroupScores(PruningContext context, List<TiedGroup> ties) {
        Map<String, float[]> weights = new HashMap<>();
        float[] out = new float[ties.size()];
        for (int t = 0; t < out.length; t++) {
            double sum = 0;
            for (TiedGroup.Member m : ties.get(t).members()) {
                float[] w = weights.computeIfAbsent(m.layer().name(),
                        n -> m.layer().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray());
                int per = Math.toIntExact(w.length / m.layer().weightShape().get(0));
                double squares = 0;
                for (int i = m.channel() * per; i < (m.channel() + 1) * per; i++) {
                    squares += (double) w[i] * w[i];
                }
                sum += Math.sqrt(squares);
            }
            out[t] = (float) (sum / ties.get(t).members().size());
        }
        return out;
    }

    /** The L2 norm of each filter: for a filter in a group of its own, the group's mu. */
    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        return new GroupLasso().channelScores(context, groups);
    }
}
