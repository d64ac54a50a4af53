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
 * the network while beta is annealed from 1 to {@code final_temp} in every round, s &lt;- min(s, s0) between rounds
 * (see {@link SoftMaskGates}); then the ticket, the highest s to the run's compression, is trained from the rewound
 * network with the run's training schedule.
 *
 * <p>Defaults are lolemacs/continuous-sparsification's {@code main.py} argparse defaults: {@code mask_init} 0
 * ({@code --mask-initial-value 0.}; its README: -0.1 for high sparsity), {@code lambda} 1e-8 ({@code --lmbda}, on the
 * sum of the mask entries), {@code final_temp} 200, {@code rounds} 3, {@code rewind_epoch} 2, {@code learn_lr} 0.1
 * ({@code --lr}) and {@code weight_decay} 1e-4 ({@code --decay}). Its optimizers, {@code weight_optim} and
 * {@code mask_optim}, are both SGD with momentum 0.9 and Nesterov at that lr; only the weights' has the weight decay,
 * so here one Nesterov SGD of the learning stage decays the network's parameters (BatchNorm's and biases included,
 * as {@code weight_optim} does) and not the masks. Not followed: {@code main.py} trains 85 epochs a round with its
 * step schedule (x0.1 at epochs 56 and 71) restarted in every round; here {@code learn_epochs} (-1: the training
 * stage's epochs) is the length of the whole search, split evenly into the rounds, under the learning stage's one
 * learning-rate schedule; and its ticket keeps s &gt; 0 where this keeps the run's compression. It prunes the
 * initialisation by default, as the paper searches tickets.
 *
 * <p>Between rounds {@code main.py} does not rewind (it rewinds once, before training the ticket);
 * {@code rewind_rounds: true} rewinds the network between rounds too, as this class did before. {@code anneal:
 * epoch} raises beta once per epoch as the reference does (over its 85-epoch rounds); a round of one or two epochs
 * then holds beta at 1 or jumps from 1 to 200, so {@code anneal: step} raises it geometrically at every step
 * instead, for short budgets.
 */
public final class ContinuousSparsification implements LearnedMask {
    /** main.py's {@code --decay}: the weights' weight decay (the masks take none). */
    static final double WEIGHT_DECAY = 1e-4;

    @Override
    public String name() {
        return "continuous_sparsification";
    }

    @Override
    public String description() {
        return "soft masks sigmoid(beta s), beta annealed per round, rewound before the ticket (Savarese et al. 2020)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("mask_init", 0.0, "lambda", 1e-8, "final_temp", 200.0, "rounds", 3, "rewind_epoch", 2,
                "anneal", "epoch", "weight_decay", WEIGHT_DECAY, "rewind_rounds", false, LEARN_LR, 0.1,
                LEARN_EPOCHS, -1);
    }

    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    /** main.py's optimizers: SGD, momentum 0.9, Nesterov, lr 0.1; {@code --decay} on the weights alone. */
    @Override
    public OptimizerSpec learnOptimizer(double lr) {
        return optimizer(lr, WEIGHT_DECAY);
    }

    @Override
    public OptimizerSpec learnOptimizer(StrategyOptions options) {
        return optimizer(options.getDouble(LEARN_LR), options.getDouble("weight_decay"));
    }

    private static OptimizerSpec optimizer(double lr, double weightDecay) {
        return new OptimizerSpec("sgd", lr, 0.9, true, weightDecay, 0, 0, 0);
    }

    @Override
    public void validate(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        o.getDouble("mask_init");
        o.getBoolean("rewind_rounds");
        if (!(o.getDouble("lambda") >= 0)) {
            throw new ConfigException("lambda must be non-negative, got " + o.raw("lambda"));
        }
        if (!(o.getDouble("weight_decay") >= 0)) {
            throw new ConfigException("weight_decay must be non-negative, got " + o.raw("weight_decay"));
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
                o.getInt("rounds"), o.getInt("rewind_epoch"), o.getString("anneal").equals("step"),
                o.getBoolean("rewind_rounds"));
    }
}
