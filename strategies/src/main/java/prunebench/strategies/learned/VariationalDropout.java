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
 * senya-ashukha/sparse_vd's LeNet notebook: log sigma initialised to -5, kl_weight from 0.02 rising linearly per epoch
 * to 1, Adam at lr 1e-3; the loss is the reference's ELBO (N x cross-entropy + kl_weight x KL) divided by N.
 *
 * <p>The warm-up is a fraction of the learning stage, {@code kl_warmup} (default 0.245): the notebook adds 0.02 a
 * epoch over its 200 epochs, reaching 1 at epoch 49, i.e. after 24.5% of the training. A fixed 0.02 per epoch
 * would leave a 2-epoch learning stage at kl_weight 0.04, a network that is barely regularised and ranks close to
 * magnitude pruning. The step per epoch is (1 - kl_weight_start) / (kl_warmup x learn epochs) (0.02 at 200
 * epochs); {@code kl_weight_step} given explicitly sets it instead, as the paper files do for the Theano code's
 * rw_linear schedule.
 *
 * <p>{@code log_alpha_clip} (10), {@code variance} ({@code sigma}) and {@code train_clip} (false) choose between the
 * notebook and the paper's Theano code where they differ (8, {@code alpha}, true there; see
 * {@link LogAlphaGates.Form}).
 *
 * <p>Training follows the reference's local reparameterisation trick (see {@link LogAlphaGates#output}): each layer's
 * output is sampled from N(x theta^T + b, (x * x) (sigma^2)^T) per example and output unit, two matrix products or
 * convolutions per layer, rather than the weights once per mini-batch; every model's prunable layers are built by
 * {@link prunebench.model.Layers}, whose forward asks the learning stage's parameter store for its output. The noise
 * is drawn in Java from (seed, tensor, step) rather than by the engine, so a resumed run draws the same.
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
        return Map.ofEntries(Map.entry("log_sigma_init", -5.0), Map.entry("threshold", 3.0),
                Map.entry("kl_weight_start", 0.02), Map.entry("kl_warmup", 0.245), Map.entry("kl_weight_step", -1.0),
                Map.entry(LEARN_LR, 1e-3), Map.entry(LEARN_EPOCHS, -1), Map.entry("log_alpha_clip", 10.0),
                Map.entry("variance", "sigma"), Map.entry("train_clip", false));
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        o.getDouble("log_sigma_init");
        o.getDouble("threshold");
        if (!(o.getDouble("kl_weight_start") >= 0 && o.getDouble("kl_weight_start") <= 1)) {
            throw new ConfigException("kl_weight_start must be in [0, 1], got " + o.getDouble("kl_weight_start"));
        }
        double step = o.getDouble("kl_weight_step");
        if (!(step >= 0 || step == -1)) {
            throw new ConfigException("kl_weight_step must be non-negative (or -1: from kl_warmup), got " + step);
        }
        if (!(o.getDouble("log_alpha_clip") > 0)) {
            throw new ConfigException("log_alpha_clip must be positive, got " + o.getDouble("log_alpha_clip"));
        }
        String variance = o.getString("variance");
        if (!variance.equals("sigma") && !variance.equals("alpha")) {
            throw new ConfigException("variance must be sigma (the notebook's sigma^2) or alpha (the Theano code's "
                    + "clipped alpha x theta^2), got '" + variance + "'");
        }
        o.getBoolean("train_clip");
        double warmup = o.getDouble("kl_warmup");
        if (!(warmup > 0 && warmup <= 1)) {
            throw new ConfigException("kl_warmup must be a fraction of the learning epochs in (0, 1], got " + warmup);
        }
    }

    @Override
    public Gates gates(GateContext c) {
        StrategyOptions o = c.options();
        return new LogAlphaGates(c, o.getDouble("log_sigma_init"), o.getDouble("threshold"),
                o.getDouble("kl_weight_start"), klWeightStep(o, c.epochs()), new LogAlphaGates.Form(
                        o.getDouble("log_alpha_clip"), o.getString("variance").equals("alpha"),
                        o.getBoolean("train_clip")));
    }

    /**
     * The KL weight's rise per epoch: {@code kl_weight_step} when given, else what reaches 1 after {@code kl_warmup}
     * of the {@code epochs} learning epochs.
     */
    static double klWeightStep(StrategyOptions o, int epochs) {
        double step = o.getDouble("kl_weight_step");
        if (step >= 0) {
            return step;
        }
        return (1 - o.getDouble("kl_weight_start")) / (o.getDouble("kl_warmup") * Math.max(1, epochs));
    }
}
