package prunebench.strategies.penalty;

import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.config.PenaltySpec;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * Selective weight decay (Tessier et al., "Rethinking weight decay for efficient neural network pruning", J. Imaging
 * 8(3), 2022; arXiv 2011.10520, 2020; code HugoTessier-lab/SWD): the pretrained network is trained for {@code
 * learn_epochs} with, at every step, {@code mu} x a(t) / 2 x the squared L2 norm of the targets that a prune to the
 * run's compression would remove now (outside the keep largest |w|, one global ranking recomputed every step) added
 * to the loss; a(t) = {@code a_min} x ({@code a_max} / {@code a_min})^(t / T), t the stage's step counted from 0 and
 * T its number of steps, the reference's {@code get_a} ({@code experiment.py}); at the end the same lowest |w| are
 * pruned and the network is fine-tuned. Defaults from the reference's argparse ({@code utils/parse_arguments.py}):
 * {@code a_min} 0.1, {@code a_max} 1e5, and {@code mu} 5e-4, its {@code --wd}, which scales the SWD term when weight
 * decay is on ({@code loss += wd x reg}, {@code reg = 0.5 a ||w (1 - m)||^2} in {@code
 * utils/regularization_and_pruning.py}).
 *
 * <p>Where this differs from the reference: SWD there penalises from the first epoch of training from scratch (300
 * epochs, then 50 of fine-tuning); here it is a stage after the run's pretraining ({@code learn_epochs}, the
 * fine-tuning's schedule), so that it compares with the other strategies on one dense model. The reference's
 * unstructured ranking counts every parameter but BatchNorm's (biases included) and its masks also reach BatchNorm
 * parameters below the threshold; here the ranking and the penalty cover the prune's targets (the prunable weights,
 * biases with {@code prune_biases}), toward the run's weight budget. The optimizer's own weight decay is the
 * fine-tuning schedule's.
 */
public final class SelectiveWeightDecayPruning extends MagnitudeAfterPenalty {
    @Override
    public String name() {
        return "swd";
    }

    @Override
    public String description() {
        return "selective weight decay on the weights below the target, growing a_min to a_max, then global "
                + "magnitude pruning (Tessier et al. 2020)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("mu", 5e-4, "a_min", 0.1, "a_max", 1e5, LearnedMask.LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        super.validate(o);
        positive(o, "mu");
        if (positive(o, "a_min") > positive(o, "a_max")) {
            throw new ConfigException("a_min must not exceed a_max, got " + o.raw("a_min") + " > " + o.raw("a_max"));
        }
        globalOnly(o, name());
    }

    @Override
    public PenaltySpec penalty(StrategyOptions o) {
        return PenaltySpec.of(PenaltySpec.SWD, o.getDouble("mu"), Map.of("a_min", o.getDouble("a_min"), "a_max",
                o.getDouble("a_max")));
    }
}
