package prunebench.strategies.penalty;

import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.config.PenaltySpec;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * Learning-compression pruning (Carreira-Perpi&ntilde;&aacute;n &amp; Idelbayev, "'Learning-compression'
 * algorithms for neural net pruning", CVPR 2018; code UCMerced-ML/LC-model-compression): the pretrained network is
 * compressed by the augmented-Lagrangian LC algorithm toward at most kappa nonzero weights (kappa = the run's weight
 * budget over all targets, the reference's one {@code ConstraintL0Pruning(kappa)} task on a vector of every weight):
 * first the direct compression Theta = Pi(w) (the kappa largest |w|, zero elsewhere), lambda = 0; then {@code
 * lc_steps} L steps, each an equal share of the {@code learn_epochs} of the fine-tuning schedule with mu_j / 2 x ||w -
 * Theta - lambda / mu_j||^2 added to the loss, mu_j = {@code mu_init} x {@code mu_inc}^j, each followed by the C
 * step Theta = Pi(w - lambda / mu_j) and the multipliers' step lambda -= mu_j (w - Theta) ({@code lc/main.py}'s
 * {@code run}); after the last, the weights are set to the final Theta (the reference's {@code compression_eval}),
 * pruned to its support (the kappa largest |w|, as global magnitude ranks them) and fine-tuned. Defaults: the
 * reference's LeNet-300 pruning example ({@code examples/lenet300/lenet300.py}, {@code exp_name == 'pruning'}:
 * {@code mu_s = [9e-5 * (1.1 ** n) for n in range(40)]}): {@code mu_init} 9e-5, {@code mu_inc} 1.1, {@code
 * lc_steps} 40.
 *
 * <p>Where this differs from the reference: its L steps are separate trainings (20 epochs each, 40 the first, a new
 * SGD with Nesterov momentum at lr 0.1 x 0.98^j, {@code my_l_step}); here they share the one schedule of the stage.
 * A run resumed after the stage's last epoch but before its prune has lost lambda: its final C step is then the
 * direct compression Pi(w). The reference's fine-tuning ({@code run_lenet300.sh}, {@code type=ft}) is the run's
 * fine-tuning here. The prune's targets are the prunable weights (the classifier with {@code prune_classifier}),
 * where the example takes every Linear weight.
 */
public final class LearningCompressionPruning extends MagnitudeAfterPenalty {
    @Override
    public String name() {
        return "lc";
    }

    @Override
    public String description() {
        return "learning-compression: L steps toward the projection on the budget, mu growing, then magnitude "
                + "pruning to it (Carreira-Perpinan & Idelbayev 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("mu_init", 9e-5, "mu_inc", 1.1, "lc_steps", 40, LearnedMask.LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        super.validate(o);
        positive(o, "mu_init");
        if (!(o.getDouble("mu_inc") >= 1) || Double.isInfinite(o.getDouble("mu_inc"))) {
            throw new ConfigException("mu_inc must be a number >= 1, got " + o.raw("mu_inc"));
        }
        if (o.getInt("lc_steps") < 1) {
            throw new ConfigException("lc_steps must be a positive integer, got " + o.raw("lc_steps"));
        }
        globalOnly(o, name());
    }

    @Override
    public PenaltySpec penalty(StrategyOptions o) {
        return PenaltySpec.of(PenaltySpec.LC, o.getDouble("mu_init"), Map.of("growth", o.getDouble("mu_inc"),
                "mu_steps", (double) o.getInt("lc_steps")));
    }
}
