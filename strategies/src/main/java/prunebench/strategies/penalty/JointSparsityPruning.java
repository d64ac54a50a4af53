package prunebench.strategies.penalty;

import java.util.Map;
import prunebench.config.PenaltySpec;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * Sparsity under a learned regularisation coefficient, the spatial-domain half of Choi, El-Khamy &amp; Lee,
 * "Compression of deep convolutional neural networks under joint sparsity constraints" (arXiv 1805.08303, 2018; no
 * code released): the pretrained network is trained for {@code learn_epochs} with e^omega x R(w) - {@code alpha} x
 * omega added to the loss, R(w) the squared L2 norm of the targets a prune to the run's compression would remove now
 * (outside the budget's largest |w|, one global ranking recomputed every step: the paper's partial L2 below the r-th
 * percentile); omega starts at ln {@code coefficient_init} and takes one gradient step of rate {@code omega_lr} on
 * the same cost per step, so that e^omega approaches alpha / R and grows as the penalised weights shrink; at the end
 * the same lowest |w| are pruned and the network is fine-tuned.
 *
 * <p>Where this is ours: the paper's Winograd-domain term (its joint constraint) is left out, its
 * quantisation too; the paper's text was not at hand, so the squared norm (rather than the norm), the plain
 * gradient step on omega at its own rate (rather than the network's optimizer), and every default ({@code alpha}
 * 1e-2, {@code coefficient_init} 5e-4, {@code omega_lr} 1) are this benchmark's choices. The coefficient is not
 * checkpointed: a run resumed inside the stage restarts it at {@code coefficient_init}.
 */
public final class JointSparsityPruning extends MagnitudeAfterPenalty {
    @Override
    public String name() {
        return "joint_sparsity";
    }

    @Override
    public String description() {
        return "partial L2 on the weights below the target with a learned coefficient e^omega, then global "
                + "magnitude pruning (Choi, El-Khamy & Lee 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("alpha", 1e-2, "coefficient_init", 5e-4, "omega_lr", 1.0, LearnedMask.LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        super.validate(o);
        positive(o, "alpha");
        positive(o, "coefficient_init");
        positive(o, "omega_lr");
        globalOnly(o, name());
    }

    @Override
    public PenaltySpec penalty(StrategyOptions o) {
        return PenaltySpec.of(PenaltySpec.JOINT_SPARSITY, o.getDouble("alpha"), Map.of("coefficient_init",
                o.getDouble("coefficient_init"), "omega_lr", o.getDouble("omega_lr")));
    }
}
