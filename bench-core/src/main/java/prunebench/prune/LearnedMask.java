package prunebench.prune;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.config.OptimizerSpec;

/**
 * A strategy whose scores are learned: it declares {@link Gates}, auxiliary parameters attached to the prunable
 * weights and trained with the network in a stage of its own ({@code learn_epochs} epochs, by default the
 * fine-tuning's), after which the gates' {@link Gates#scores} rank the weights. How many each layer keeps is still
 * the run's distribution (global by default), to the run's compression; then the network is fine-tuned as usual.
 *
 * <p>Parameters every learned strategy takes besides its own: {@code learn_epochs} (-1: the training stage's
 * epochs, the fine-tuning's for a pretrained run) and {@code learn_lr} (the learning rate of the learning stage's optimizer, {@link #learnOptimizer}).
 */
public interface LearnedMask extends PruningStrategy {
    String LEARN_EPOCHS = "learn_epochs";
    String LEARN_LR = "learn_lr";

    /** Fresh gates for {@code context}'s targets, at their initial values. */
    Gates gates(GateContext context);

    /** The optimizer of the learning stage (the papers train gates with Adam, lr 1e-3), given its learning rate. */
    default OptimizerSpec learnOptimizer(double lr) {
        return new OptimizerSpec("adam", lr, 0, false, 0, 0.9, 0.999, 1e-8);
    }

    /**
     * The learning stage's optimizer for the strategy's options: {@link #learnOptimizer(double)} at {@code learn_lr},
     * unless the strategy reads more of its keys (continuous sparsification's {@code weight_decay}).
     */
    default OptimizerSpec learnOptimizer(StrategyOptions options) {
        return learnOptimizer(options.getDouble(LEARN_LR));
    }

    /** Checks {@code learn_epochs} and {@code learn_lr}; implementations add their own keys' checks. */
    static void validateLearning(StrategyOptions o) {
        if (o.has(LEARN_EPOCHS) && o.getInt(LEARN_EPOCHS) < -1) {
            throw new ConfigException(LEARN_EPOCHS + " must be a non-negative integer (or -1: the training stage's "
                    + "epochs), got " + o.raw(LEARN_EPOCHS));
        }
        if (!(o.getDouble(LEARN_LR) > 0)) {
            throw new ConfigException(LEARN_LR + " must be a positive number, got " + o.raw(LEARN_LR));
        }
    }

    /** Learned strategies rank by their gates, which {@code PlanRunner} hands over once they are trained. */
    @Override
    default Map<String, NDArray> score(PruningContext context) {
        throw new IllegalStateException(name() + " scores with its trained gates: it needs a learning stage first");
    }
}
