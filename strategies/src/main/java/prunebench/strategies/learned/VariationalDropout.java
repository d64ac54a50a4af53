package prunebench.strategies.learned;

import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * Sparse variational dropout (Molchanov, Ashukha &amp; Vetrov 2017): a log-variance per weight trained with the
 * network under the paper's KL approximation (see {@link LogAlphaGates}); the weights with the lowest log alpha are
 * kept, to the run's compression under its distribution (the paper prunes where log alpha &gt; 3; {@code threshold}
 * is that value, used for the learning stage's evaluation as the reference's test-time forward does). Defaults as
 * senya-ashukha/sparse_vd's LeNet notebook: log sigma initialised to -5, kl_weight from 0.02 rising by 0.02 per epoch
 * to 1, Adam at lr 1e-3; the loss is the reference's ELBO (N x cross-entropy + kl_weight x KL) divided by N.
 *
 * <p>Where this differs from the reference: it samples the output noise per example with the local
 * reparameterisation trick (two convolutions or matrix products per layer); here the noise is drawn per weight and
 * per mini-batch (the weights as a layer sees them), an unbiased estimator of the same objective with a larger
 * variance, because the layers here take their weights through the parameter store and cannot run a second product.
 */
public final class VariationalDropout implements LearnedMask {
    @Override
    public String name() {
        return "variational_dropout";
    }

    @Override
    public String description() {
        return "sparse variational dropout: per-weight log alpha under the KL approximation (Molchanov et al. 2017)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("log_sigma_init", -5.0, "threshold", 3.0, "kl_weight_start", 0.02, "kl_weight_step", 0.02,
                LEARN_LR, 1e-3, LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        o.getDouble("log_sigma_init");
        o.getDouble("threshold");
        if (!(o.getDouble("kl_weight_start") >= 0) || !(o.getDouble("kl_weight_step") >= 0)) {
            throw new ConfigException("kl_weight_start and kl_weight_step must be non-negative");
        }
    }

    @Override
    public Gates gates(GateContext c) {
        StrategyOptions o = c.options();
        return new LogAlphaGates(c, o.getDouble("log_sigma_init"), o.getDouble("threshold"),
                o.getDouble("kl_weight_start"), o.getDouble("kl_weight_step"));
    }
}
