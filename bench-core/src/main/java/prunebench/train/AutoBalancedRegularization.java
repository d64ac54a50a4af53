package prunebench.train;

import static prunebench.train.Penalty.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Auto-balanced regularisation (Ding, Ding, Han &amp; Tang, "Auto-balanced filter pruning for efficient
 * convolutional neural networks", AAAI 2018): lambda / 2 x sum over the filters K_j of each layer of tau_j x
 * ||K_j||^2. At every step each layer's filters are ranked by their L2 norm m_j (on the current weights); its
 * {@code weak} lowest are the ones the prune will remove. With theta the norm of the layer's weakest kept filter,
 * a weak filter gets tau_j = 1 + ln(theta / m_j) (&gt;= 1, larger the weaker it is: an L2 penalty pushing it
 * down), and every kept filter the one negative factor tau = -(sum over weak of tau_j m_j^2) / (sum over kept of
 * m_j^2) (a "stimulus" pushing it up), so that the layer's terms sum to zero: the regularisation moves magnitude
 * from the weak filters to the strong ones without changing the loss. The factors are constants of the step (no
 * gradient flows through the ranking or the norms that set them), so the gradient is lambda x tau_j x K_j.
 *
 * <p>No code was released with the paper and its text was not at hand when this was written: the factor of the
 * weak filters and the balance (the sum of the terms is zero) follow its description; the single negative factor
 * shared by the strong filters is this benchmark's reading of the balance, not checked against the paper's
 * equation. Check both against the paper before reproducing one of its tables.
 */
final class AutoBalancedRegularization implements Penalty {
    private final List<NDArray> filters;
    private final int[] weak;
    private final double lambda;

    /**
     * @param filters the producers' weights, one filter (output channel) per row of the first axis
     * @param weak    per layer, how many of its lowest-norm filters are penalised (0: the layer is left alone)
     */
    AutoBalancedRegularization(List<NDArray> filters, int[] weak, double lambda) {
        if (filters.size() != weak.length) {
            throw new IllegalArgumentException(filters.size() + " layers, " + weak.length + " weak counts");
        }
        this.filters = filters;
        this.weak = weak.clone();
        this.lambda = lambda;
    }

    /**
     * The factors tau of a layer's filters, from their L2 {@code norms}: the {@code weak} lowest (ties: the lower
     * index first) get 1 + ln(theta / m), theta the lowest norm among the others, and the others share one negative
     * factor that makes sum tau m^2 zero. All zero when no filter, or every filter, is weak (nothing to balance).
     */
    static double[] factors(double[] norms, int weak) {
        int n = norms.length;
        double[] tau = new double[n];
        if (weak <= 0 || weak >= n) {
            return tau;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> norms[a] != norms[b] ? Double.compare(norms[a], norms[b]) : a - b);
        double theta = norms[order[weak]];
        double penalised = 0;
        for (int r = 0; r < weak; r++) {
            int j = order[r];
            // a filter at zero has no term (tau x 0) whatever its factor; the floor keeps the logarithm finite
            tau[j] = theta > 0 ? 1 + Math.log(theta / Math.max(norms[j], 1e-12)) : 1;
            penalised += tau[j] * norms[j] * norms[j];
        }
        double strong = 0;
        for (int r = weak; r < n; r++) {
            strong += norms[order[r]] * norms[order[r]];
        }
        double stimulus = strong > 0 ? -penalised / strong : 0;
        for (int r = weak; r < n; r++) {
            tau[order[r]] = stimulus;
        }
        return tau;
    }

    @Override
    public NDArray value(NDManager scope) {
        NDArray total = scope.zeros(new Shape());
        for (int l = 0; l < filters.size(); l++) {
            NDArray w = filters.get(l);
            long n = w.getShape().get(0);
            NDArray rows = on(scope, w.reshape(n, -1));
            NDArray squares = on(scope, on(scope, rows.square()).sum(new int[] {1}));
            float[] sq = on(scope, on(scope, squares.stopGradient()).toType(DataType.FLOAT32, false)).toFloatArray();
            double[] norms = new double[sq.length];
            for (int j = 0; j < sq.length; j++) {
                norms[j] = Math.sqrt(sq[j]);
            }
            double[] tau = factors(norms, weak[l]);
            float[] t = new float[tau.length];
            for (int j = 0; j < t.length; j++) {
                t[j] = (float) tau[j];
            }
            NDArray factors = on(scope, on(scope, scope.create(t)).toType(squares.getDataType(), false));
            total = on(scope, total.add(on(scope, on(scope, squares.mul(factors)).sum())));
        }
        return on(scope, GraphScalars.times(scope, total, lambda / 2));
    }
}
