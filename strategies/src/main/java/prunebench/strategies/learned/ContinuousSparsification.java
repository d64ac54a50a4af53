package prunebench.strategies.learned;

import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.config.OptimizerSpec;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;

/**
 * Continuous sparsification (Savarese, Silva &amp; Maire 2020): soft masks sigmoid(beta s) per weight, trained with
 * the network while beta is annealed from 1 to {@code final_temp} in every round, with rewinding between rounds (see
 * {@link SoftMaskGates}); then the ticket, the highest s to the run's compression, is trained from the rewound
 * weights with the run's training schedule. Defaults from lolemacs/continuous-sparsification's {@code main.py}:
 * mask_init -0.01, lambda 1e-8 (on the sum of the mask entries), final_temp 200, rewind_epoch 2, SGD with momentum
 * 0.9 for weights and masks at lr 0.1 without weight decay on the masks (here the same optimizer for both, the
 * run's weight decay 0); rounds 2 as its README's CIFAR default. It prunes the initialisation by default, as the
 * paper searches tickets; {@code learn_epochs} is the length of the whole search (all rounds, -1: the training
 * stage's epochs), split evenly into the rounds. {@code anneal: epoch} raises beta once per epoch as the reference
 * does (over its 85-epoch rounds); a round of one or two epochs then holds beta at 1 or jumps from 1 to 200, so
 * {@code anneal: step} raises it geometrically at every step instead, for short budgets.
 */
public final class ContinuousSparsification implements LearnedMask {
    @Override
    public String name() {
        return "continuous_sparsification";
    }

    @Override
    public String description() {
        return "soft masks sigmoid(beta s), beta annealed per round, rewinding between rounds (Savarese et al. 2020)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("mask_init", -0.01, "lambda", 1e-8, "final_temp", 200.0, "rounds", 2, "rewind_epoch", 2,
                "anneal", "epoch", LEARN_LR, 0.1, LEARN_EPOCHS, -1);
    }

    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    @Override
    public OptimizerSpec learnOptimizer(double lr) {
        return new OptimizerSpec("sgd", lr, 0.9, false, 0, 0, 0, 0);
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        o.getDouble("mask_init");
        if (!(o.getDouble("lambda") >= 0)) {
            throw new ConfigException("lambda must be non-negative, got " + o.raw("lambda"));
        }
        if (!(o.getDouble("final_temp") >= 1)) {
            throw new ConfigException("final_temp must be at least 1, got " + o.raw("final_temp"));
        }
        if (o.getInt("rounds") < 1) {
            throw new ConfigException("rounds must be at least 1, got " + o.raw("rounds"));
        }
        if (!o.getString("anneal").equals("epoch") && !o.getString("anneal").equals("step")) {
            throw new ConfigException("anneal must be 'epoch' or 'step', got '" + o.raw("anneal") + "'");
        }
        if (o.getInt("rewind_epoch") < 0) {
            throw new ConfigException("rewind_epoch must be non-negative, got " + o.raw("rewind_epoch"));
        }
    }

    @Override
    public Gates gates(GateContext c) {
        StrategyOptions o = c.options();
        return new SoftMaskGates(c, o.getDouble("mask_init"), o.getDouble("final_temp"), o.getDouble("lambda"),
                o.getInt("rounds"), o.getInt("rewind_epoch"), o.getString("anneal").equals("step"));
    }
}
