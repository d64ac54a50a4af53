package prunebench.strategies.learned;

import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * Bayesian compression with the group normal-Jeffreys prior (Louizos, Ullrich &amp; Welling 2017): a scale z per
 * input neuron of every Linear layer and per output channel of every convolution, the weights Gaussian given z,
 * trained with the network under the sparse-VD KL approximation for z plus the weights' Gaussian KL (see
 * {@link GroupNjGates}). A group's score is -log alpha, log alpha = log sigma_z^2 - log mu_z^2; the reference removes
 * the groups with log alpha &gt;= a threshold per layer ({@code thresholds}, else {@code threshold}: the learning
 * stage's test-time rule and the run's learned_compression); the grid's prune keeps the lowest log alpha to the
 * run's compression. Defaults as KarenUllrich/Tutorial_BayesianCompressionForDL ({@code BayesianLayers.py},
 * {@code example.py}): Adam at lr 1e-3, KL / N from the first step, threshold -3 (the middle of example.py's
 * per-layer -2.8, -3, -5 for LeNet-300-100's fc1, fc2, fc3), {@code clip_var} none ({@code clip_vars} per layer: the
 * tutorial clips fc1's weight variances at 0.04).
 *
 * <p>The group horseshoe prior of the paper is not implemented. Neither are the paper's bit-precision step (its
 * compression figures count bits; here only removed groups) and its from-scratch training: the gates start on the
 * run's weights.
 */
public final class BayesianCompression implements LearnedMask {
    static final String THRESHOLDS = "thresholds";
    static final String CLIP_VARS = "clip_vars";

    @Override
    public String name() {
        return "bayesian_compression";
    }

    @Override
    public String description() {
        return "Bayesian compression: group normal-Jeffreys scales per neuron/filter, pruned at large log alpha "
                + "(Louizos et al. 2017)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("threshold", -3.0, THRESHOLDS, List.of(), "clip_var", 0.0, CLIP_VARS, List.of(), LEARN_LR,
                1e-3, LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        o.getDouble("threshold");
        LayerValues.validate(o, THRESHOLDS, v -> !Double.isNaN(v), "(log alpha thresholds)");
        if (!(o.getDouble("clip_var") >= 0)) {
            throw new ConfigException("clip_var must be non-negative (0: no clipping), got " + o.raw("clip_var"));
        }
        LayerValues.validate(o, CLIP_VARS, v -> v >= 0, ">= 0 (0: no clipping)");
    }

    @Override
    public Gates gates(GateContext c) {
        StrategyOptions o = c.options();
        return new GroupNjGates(c, L0.inputNeuronGates(c),
                LayerValues.of(c.network(), o, THRESHOLDS, o.getDouble("threshold")),
                LayerValues.of(c.network(), o, CLIP_VARS, o.getDouble("clip_var")));
    }
}
