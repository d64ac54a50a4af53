package prunebench.strategies.learned;

import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * L0 regularisation with hard-concrete gates (Louizos, Welling &amp; Kingma 2018), one gate per weight. The defaults
 * are the paper's and the reference's ({@code AMLab-Amsterdam/L0_regularization}, {@code train_lenet5.py},
 * {@code l0_layers.py}): temperature beta 2/3, stretch limits gamma -0.1 and zeta 1.1, log_alpha initialised for a
 * drop rate of 0.5 (plus N(0, 0.01) noise), lambda 1 per gate scaled by 1/N (the reference's
 * {@code -(1/N) * regularization()}), Adam at lr 1e-3. After the learning stage the gates most likely open
 * (highest log_alpha) are kept, to the run's compression under its distribution, and each kept weight is
 * multiplied by its test-time gate.
 *
 * <p>Where this differs from the reference: its gates are structured (one per input neuron of a Linear layer, one
 * per output feature map of a convolution) and its LeNet-5 script starts from scratch for 200 epochs; here every
 * weight has its own gate (the paper's unstructured form) and the gates are trained on the run's starting weights
 * (the pretrained model by default, {@code at: init} for the initialisation). The reference's L2 term weighted by
 * P(z != 0) ({@code weight_decay} 5e-4 / N) is left out.
 */
public final class L0 implements LearnedMask {
    @Override
    public String name() {
        return "l0";
    }

    @Override
    public String description() {
        return "hard-concrete gates per weight with the expected-L0 penalty (Louizos et al. 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("beta", 2.0 / 3.0, "gamma", -0.1, "zeta", 1.1, "lambda", 1.0, "droprate_init", 0.5,
                LEARN_LR, 1e-3, LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        if (!(o.getDouble("beta") > 0)) {
            throw new ConfigException("beta must be positive, got " + o.raw("beta"));
        }
        if (!(o.getDouble("gamma") < 0) || !(o.getDouble("zeta") > 1)) {
            throw new ConfigException("the stretch limits need gamma < 0 and zeta > 1, got " + o.raw("gamma")
                    + " and " + o.raw("zeta"));
        }
        if (!(o.getDouble("lambda") >= 0)) {
            throw new ConfigException("lambda must be non-negative, got " + o.raw("lambda"));
        }
        double d = o.getDouble("droprate_init");
        if (!(d > 0 && d < 1)) {
            throw new ConfigException("droprate_init must be in (0, 1), got " + o.raw("droprate_init"));
        }
    }

    @Override
    public Gates gates(GateContext c) {
        StrategyOptions o = c.options();
        return new HardConcreteGates(c, o.getDouble("beta"), o.getDouble("gamma"), o.getDouble("zeta"),
                o.getDouble("lambda"), o.getDouble("droprate_init"));
    }
}
