package prunebench.train;

import static prunebench.train.Penalty.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The modified L1/2 penalty of Chang &amp; Sha 2018: lambda x sum f(w) over the targets, f(w) = |w|^(1/2) for |w| >=
 * a and the smoothed (-w^4 / (8 a^3) + 3 w^2 / (4 a) + 3 a / 8)^(1/2) inside (-a, a), which meets |w|^(1/2) with
 * the same value and slope at |w| = a and has a finite gradient at 0 (where |w|^(1/2)'s is infinite).
 */
final class ModifiedHalfNorm implements Penalty {
    private final List<NDArray> weights;
    private final double lambda;
    private final float a;

    ModifiedHalfNorm(List<NDArray> weights, double lambda, double a) {
        this.weights = weights;
        this.lambda = lambda;
        this.a = (float) a;
    }

    @Override
    public NDArray value(NDManager scope) {
        NDArray total = scope.zeros(new Shape());
        for (NDArray w : weights) {
            total = on(scope, total.add(on(scope, f(scope, w).sum())));
        }
        return on(scope, GraphScalars.times(scope, total, lambda));
    }

    /**
     * f elementwise. Each branch is evaluated on an input clamped to its own region (|w| at least a outside, w in
     * [-a, a] inside), so that neither produces a NaN or an infinite gradient that where() would carry over.
     */
    NDArray f(NDManager scope, NDArray w) {
        NDArray outside = on(scope, on(scope, GraphScalars.atLeast(scope, on(scope, w.abs()), a)).sqrt());
        NDArray x = on(scope, w.clip(-a, a));
        NDArray x2 = on(scope, x.square());
        NDArray g = on(scope, on(scope, on(scope, GraphScalars.times(scope, on(scope, x2.square()), -1.0 / (8 * a * a * a)))
                .add(on(scope, GraphScalars.times(scope, x2, 3.0 / (4 * a))))).add(3 * a / 8));
        NDArray inside = on(scope, g.sqrt());
        NDArray small = on(scope, on(scope, on(scope, w.stopGradient()).abs()).lt(a));
        return on(scope, NDArrays.where(small, inside, outside));
    }
}
