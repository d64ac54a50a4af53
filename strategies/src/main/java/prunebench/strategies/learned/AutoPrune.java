package prunebench.strategies.learned;

import java.util.Map;
import java.util.Set;
import prunebench.config.ConfigException;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * AutoPrune (Xiao, Wang &amp; Rajasekaran 2019, NeurIPS): an auxiliary parameter m per weight, the forward pass sees
 * w h(m) with h the step function, m is updated by the paper's rule dL/d(w h) x sgn(w) x h'(m) (a straight-through
 * surrogate for h') plus the gradient of {@code lambda} x its sparsity regulariser, the weights by their usual
 * gradient (see {@link AuxiliaryMaskGates}). The paper's own mask is h(m), m &gt; 0, recorded as the run's learned
 * compression; the grid's prune keeps the highest m to the run's compression under its distribution, and the network
 * is fine-tuned as usual.
 *
 * <p>Keys: {@code mask_init} (0.1, every weight kept at the start), {@code lambda} (1e-3), {@code regularizer}
 * ({@code l1}: sum |m|; {@code mask}: sum h(m)), {@code ste_slope} (1: h'(m) = 1 everywhere; below 1, the surrogate's
 * slope where m &lt;= 0), {@code m_gradient} ({@code sign}: the paper's sgn(w); {@code weight}: the chain rule's w,
 * the plain straight-through estimator), {@code weight_gradient} ({@code masked}: dL/dt x h(m); {@code dense}: dL/dt
 * to every weight). No reference code was released, and the values of the defaults are this benchmark's (the paper's
 * text was not available when this was written); lambda from one look at LeNet-5 / Fashion-MNIST (10,000 images, 2
 * learning epochs, 16x, seed 0: 1e-4 gave 42.4% after fine-tuning, 1e-3 80.0%, 1e-2 76.2%, global magnitude 77.0%). Unlike the paper, m and w share the learning stage's optimizer
 * (Adam at {@code learn_lr}), and the mask is learned on the run's starting weights for {@code learn_epochs}.
 */
public final class AutoPrune implements LearnedMask {
    @Override
    public String name() {
        return "autoprune";
    }

    @Override
    public String description() {
        return "an auxiliary parameter per weight behind a step mask, updated by dL/dt x sgn(w) x h'(m) and a sparsity "
                + "regulariser (Xiao et al. 2019)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("mask_init", 0.1, "lambda", 1e-3, "regularizer", "l1", "ste_slope", 1.0, "m_gradient", "sign",
                "weight_gradient", "masked", LEARN_LR, 1e-3, LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        if (!(o.getDouble("mask_init") > 0)) {
            throw new ConfigException("mask_init must be positive (every weight kept at the start), got "
                    + o.raw("mask_init"));
        }
        if (!(o.getDouble("lambda") >= 0)) {
            throw new ConfigException("lambda must be non-negative, got " + o.raw("lambda"));
        }
        double slope = o.getDouble("ste_slope");
        if (!(slope >= 0 && slope <= 1)) {
            throw new ConfigException("ste_slope must be in [0, 1], got " + o.raw("ste_slope"));
        }
        oneOf(o, "regularizer", Set.of("l1", "mask"));
        oneOf(o, "m_gradient", Set.of("sign", "weight"));
        oneOf(o, "weight_gradient", Set.of("masked", "dense"));
    }

    private static void oneOf(StrategyOptions o, String key, Set<String> values) {
        if (!values.contains(o.getString(key))) {
            throw new ConfigException(key + " must be one of " + new java.util.TreeSet<>(values) + ", got '"
                    + o.raw(key) + "'");
        }
    }

    @Override
    public Gates gates(GateContext c) {
        StrategyOptions o = c.options();
        return new AuxiliaryMaskGates(c, o.getDouble("mask_init"), o.getDouble("lambda"),
                o.getString("regularizer").equals("l1"), o.getDouble("ste_slope"),
                o.getString("m_gradient").equals("weight"), o.getString("weight_gradient").equals("dense"));
    }
}
