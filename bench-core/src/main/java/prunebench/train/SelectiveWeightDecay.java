package prunebench.train;

import static prunebench.train.Penalty.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Selective weight decay (Tessier et al. 2020): at every step, the entries of the targets outside the {@code keep}
 * largest magnitudes (one global ranking, recomputed on the current weights) are penalised by (mu x a(t) / 2) x
 * their squared L2 norm, whose gradient mu x a(t) x w is the extra weight decay the paper applies to them; a(t) =
 * a_min x (a_max / a_min)^(t / T) grows exponentially from a_min at the stage's first step (t = 0) toward a_max,
 * which step T would reach: the last step (t = T - 1) is one step short of it, as in the authors' {@code get_a}
 * (HugoTessier-lab/SWD {@code experiment.py}: a_min x exp(current_batch x ln(a_max / a_min) / max_batch), batches
 * counted from 0 over the training's epochs x batches). The kept entries get no term (the optimizer's own weight
 * decay, if any, acts on every weight, as the paper's mu does).
 */
final class SelectiveWeightDecay implements Penalty {
    private final List<NDArray> weights;
    private final double mu;
    private final double aMin;
    private final double aMax;
    private final long keep;

    SelectiveWeightDecay(List<NDArray> weights, double mu, double aMin, double aMax, long keep) {
        this.weights = weights;
        this.mu = mu;
        this.aMin = aMin;
        this.aMax = aMax;
        this.keep = keep;
    }

    /** a at step {@code step} (0-based) of {@code totalSteps}: a_min at the first, a_max at step totalSteps. */
    static double importance(double aMin, double aMax, long step, long totalSteps) {
        double progress = totalSteps <= 0 ? 1 : Math.min(1, (double) Math.max(0, step) / totalSteps);
        return aMin * Math.pow(aMax / aMin, progress);
    }

    @Override
    public NDArray value(NDManager scope) {
        return value(scope, 0, 1);
    }

    @Override
    public NDArray value(NDManager scope, long step, long totalSteps) {
        NDArray total = Penalty.prunedSquares(scope, weights, keep);
        return on(scope, GraphScalars.times(scope, total, mu * importance(aMin, aMax, step, totalSteps) / 2));
    }
}
