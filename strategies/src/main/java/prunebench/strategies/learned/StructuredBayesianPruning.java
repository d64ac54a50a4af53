package prunebench.strategies.learned;

import java.util.Map;
import prunebench.config.OptimizerSpec;
import prunebench.config.ConfigException;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * Structured Bayesian pruning (Neklyudov, Molchanov, Ashukha &amp; Vetrov 2017): a log-normal multiplicative noise
 * per input neuron of every Linear layer and per output channel of every convolution, truncated to log theta in
 * [-20, 0], trained with the network under the closed-form KL from the truncated log-uniform prior (see
 * {@link SbpGates} and {@link TruncatedLogNormal}). A group's score is its signal-to-noise ratio E theta / sqrt(Var
 * theta); the paper removes the groups with SNR &lt; 1 ({@code threshold}, the learning stage's test-time rule and the
 * run's learned_compression); the grid's prune keeps the highest SNR to the run's compression. Defaults as
 * necludov/group-sparsity-sbp's {@code sbp_dropout} and {@code lenet5-sbp.py}: mu initialised to 0, log sigma to
 * -5, Adam at lr 1e-3 with beta1 0.95, KL weight 1 from the first step, the network's own weights as the start
 * (the script restores a pretrained network).
 *
 * <p>Where this differs from the reference: the reference's LeNet-5 script puts noise after its two convolutions
 * only and its VGG-like one also before the first dense layer; here every prunable layer is gated (set
 * {@code prune_classifier} for the classifier's inputs). Its learning rate decays linearly to 0 over the second half
 * of 200 epochs; here it is the run's learning-stage schedule.
 */
public final class StructuredBayesianPruning implements LearnedMask {
    @Override
    public String name() {
        return "sbp";
    }

    @Override
    public String description() {
        return "structured Bayesian pruning: truncated log-normal noise per neuron/filter, pruned at SNR < 1 "
                + "(Neklyudov et al. 2017)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("mu_init", 0.0, "log_sigma_init", -5.0, "threshold", 1.0, "beta1", 0.95, LEARN_LR, 1e-3,
                LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        double mu = o.getDouble("mu_init");
        if (!(mu >= SbpGates.A && mu <= 5)) {
            throw new ConfigException("mu_init must be in [-20, 5] (the reference clips mu there), got " + mu);
        }
        double ls = o.getDouble("log_sigma_init");
        if (!(ls >= -20 && ls <= 5)) {
            throw new ConfigException("log_sigma_init must be in [-20, 5] (the reference clips it there), got " + ls);
        }
        if (!(o.getDouble("threshold") >= 0)) {
            throw new ConfigException("threshold (an SNR) must be non-negative, got " + o.raw("threshold"));
        }
        double beta1 = o.getDouble("beta1");
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new ConfigException("beta1 must be in [0, 1), got " + beta1);
        }
    }

    @Override
    public OptimizerSpec learnOptimizer(StrategyOptions options) {
        return new OptimizerSpec("adam", options.getDouble(LEARN_LR), 0, false, 0, options.getDouble("beta1"), 0.999,
                1e-8);
    }

    @Override
    public Gates gates(GateContext c) {
        StrategyOptions o = c.options();
        return new SbpGates(c, L0.inputNeuronGates(c), o.getDouble("mu_init"), o.getDouble("log_sigma_init"),
                o.getDouble("threshold"));
    }
}
