package prunebench.train;

import static prunebench.train.Penalty.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * The spatial-domain sparsity regulariser of Choi, El-Khamy &amp; Lee 2018 ("Compression of deep convolutional neural
 * networks under joint sparsity constraints", arXiv 1805.08303) with its learnable regularisation coefficient: at
 * every step, R(w) = the squared L2 norm of the target entries outside the {@code keep} largest magnitudes (one
 * global ranking, recomputed on the current weights: the paper's partial L2 on the weights below the r-th
 * percentile of |w|), and the loss gets e^omega x R(w) - alpha x omega. The coefficient e^omega is itself trained:
 * after the term is formed, omega takes one gradient step of rate {@code omegaRate} on that same cost, omega -=
 * rate x (e^omega x R - alpha), which drives e^omega toward alpha / R: as the penalised weights shrink, their
 * coefficient grows. Only e^omega x R carries a gradient to w (omega and alpha x omega are constants of the step).
 * The Winograd-domain term of the paper (joint sparsity) is left out: prunebench's convolutions are spatial.
 */
final class JointSparsity implements Penalty {
    private final List<NDArray> weights;
    private final double alpha;
    private final double omegaRate;
    private final long keep;
    private double omega;

    JointSparsity(List<NDArray> weights, double alpha, double coefficientInit, double omegaRate, long keep) {
        this.weights = weights;
        this.alpha = alpha;
        this.omegaRate = omegaRate;
        this.keep = keep;
        this.omega = Math.log(coefficientInit);
    }

    /** The current regularisation coefficient e^omega. */
    double coefficient() {
        return Math.exp(omega);
    }

    @Override
    public NDArray value(NDManager scope) {
        NDArray total = Penalty.prunedSquares(scope, weights, keep);
        double r = on(scope, on(scope, total.stopGradient()).toType(DataType.FLOAT64, false)).getDouble();
        double coefficient = Math.exp(omega);
        NDArray value = on(scope, on(scope, GraphScalars.times(scope, total, coefficient))
                .add(on(scope, scope.create((float) (-alpha * omega)))));
        // the paper's rule for the coefficient: one gradient step on omega of e^omega R - alpha omega
        omega -= omegaRate * (coefficient * r - alpha);
        return value;
    }
}
