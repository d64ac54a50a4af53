package prunebench.strategies.penalty;

import java.util.Map;
import prunebench.config.PenaltySpec;
import prunebench.prune.LearnedMask;
import prunebench.prune.StrategyOptions;

/**
 * Pruning with the modified L1/2 penalty (Chang &amp; Sha, "Prune deep neural networks with the modified L1/2
 * penalty", IEEE Access 7, 2019, doi:10.1109/ACCESS.2018.2886876): the pretrained network is trained for {@code
 * learn_epochs} with {@code lambda} x sum f(w) over the prune's targets added to the loss, f(w) = |w|^(1/2) for |w|
 * &gt;= {@code a} and, inside (-a, a), the smoothed (-w^4 / (8 a^3) + 3 w^2 / (4 a) + 3 a / 8)^(1/2) (the smoothing
 * polynomial of |w| of Wu et al. 2014, "Batch gradient method with smoothing L1/2 regularization", which meets
 * |w|^(1/2) with equal value and slope at |w| = a and has gradient 0 at w = 0 instead of an infinite one); then the
 * lowest |w| are pruned to the run's compression in one global ranking and the network is fine-tuned.
 *
 * <p>Where this differs from the paper: the paper prunes the weights the penalty drove below a threshold and reports
 * the compression it reached (one prune after the penalised retraining, then retraining); the comparison here needs a
 * fixed compression, so the lowest |w| are pruned to the target. No code was released with the paper, and its text
 * was not available when this was written: the smoothing is the one the paper builds on (Wu et al. 2014), and the
 * defaults {@code lambda} 1e-4 and {@code a} 0.01 are this benchmark's choice (a penalty gradient lambda / (2
 * sqrt(a)) = 5e-4 at the edge of the interval, on the scale of LeNet-5's weights), not the paper's; set them from its
 * experiments section when reproducing a table.
 */
public final class ModifiedL12Pruning extends MagnitudeAfterPenalty {
    @Override
    public String name() {
        return "l_half";
    }

    @Override
    public String description() {
        return "modified (smoothed) L1/2 penalty training, then global magnitude pruning (Chang & Sha 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("lambda", 1e-4, "a", 0.01, LearnedMask.LEARN_EPOCHS, -1);
    }

    @Override
    public void validate(StrategyOptions o) {
        super.validate(o);
        positive(o, "lambda");
        positive(o, "a");
    }

    @Override
    public PenaltySpec penalty(StrategyOptions o) {
        return PenaltySpec.of(PenaltySpec.L_HALF, o.getDouble("lambda"), Map.of("a", o.getDouble("a")));
    }
}
