package prunebench.train;

import static prunebench.train.Penalty.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Variance-aware cross-layer regularisation, VACL (Gao, Liu, Chien, Zhang &amp; Alvarez, "VACL: Variance-Aware
 * Cross-Layer Regularization for Pruning Deep Residual Networks", ICCV 2019 workshops, arXiv:1909.04485). The
 * filters of the producers are partitioned into groups: the filters a residual addition ties together (the i-th
 * filters of the layers a skip connection joins, {@link prunebench.model.ChannelStructure#residualTies}) form one
 * group, every other filter a group of its own. With n_m = ||w_m||_2 the L2 norms of a group's M filters, mu their
 * mean and sigma^2 = (1/M) sum (n_m - mu)^2 their (population) variance, the term is
 * <pre>weight x sum over groups of (mu + variance_weight x sigma^2)</pre>
 * The first-order term shrinks a group as a whole (group lasso on one filter for a group of one); the second-order
 * term pulls the norms of a group's filters toward each other, so that the filters of connected layers, which can
 * only be removed together, weaken together. Gradient on filter m: weight x (1 + 2 x variance_weight x (n_m - mu))
 * / M x w_m / n_m. Norms are sqrt(sum of squares + 1e-12), so a filter at zero has a finite gradient.
 *
 * <p>What is ours: the paper's text past its abstract (which says: the i-th filters of layers connected by skip
 * connections are grouped into one regularisation group, and the term "takes into account both the first and
 * second-order statistics of the connected layers to constrain the variance within a group") was not at hand and no
 * code was released, so the statistics (mean and population variance of the filters' L2 norms), their combination
 * and the coefficient variance_weight are this benchmark's reading, not checked against the paper's equation.
 */
final class VarianceAwareCrossLayer implements Penalty {
    private final List<NDArray> weights;
    private final float[] means;
    private final float[] members;
    private final int groups;
    private final int filters;
    private final double weight;
    private final double varianceWeight;
    /** The two constant matrices, made on the first step, on the parameters' device (freed by {@link #close}). */
    private NDManager constants;
    private NDArray meanMatrix;
    private NDArray memberMatrix;

    /**
     * @param weights the producers' weights, one filter (output channel) per row of the first axis
     * @param groups  the partition of the filters: each entry lists its filters by their index in the producers'
     *                rows taken in order (layer 0's rows, then layer 1's, ...); every filter in exactly one
     */
    VarianceAwareCrossLayer(List<NDArray> weights, List<int[]> groups, double weight, double varianceWeight) {
        this.weights = weights;
        int f = 0;
        for (NDArray w : weights) {
            f += Math.toIntExact(w.getShape().get(0));
        }
        this.filters = f;
        this.groups = groups.size();
        // means: (groups x filters), 1/M where the filter is one of the group's M; members: (filters x groups), 1
        this.means = new float[this.groups * f];
        this.members = new float[f * this.groups];
        int[] seen = new int[f];
        for (int g = 0; g < this.groups; g++) {
            int[] group = groups.get(g);
            if (group.length == 0) {
                throw new IllegalArgumentException("group " + g + " is empty");
            }
            for (int m : group) {
                seen[m]++;
                means[g * f + m] = 1f / group.length;
                members[m * this.groups + g] = 1f;
            }
        }
        for (int m = 0; m < f; m++) {
            if (seen[m] != 1) {
                throw new IllegalArgumentException("filter " + m + " is in " + seen[m] + " groups, not 1");
            }
        }
        this.weight = weight;
        this.varianceWeight = varianceWeight;
    }

    @Override
    public NDArray value(NDManager scope) {
        NDList norms = new NDList();
        for (NDArray w : weights) {
            NDArray rows = on(scope, w.reshape(w.getShape().get(0), -1));
            NDArray squares = on(scope, on(scope, rows.square()).sum(new int[] {1}));
            norms.add(on(scope, on(scope, squares.add(1e-12f)).sqrt()));
        }
        NDArray n = on(scope, on(scope, NDArrays.concat(norms)).reshape(filters, 1));
        if (constants == null) {
            constants = weights.get(0).getManager().newSubManager();
            meanMatrix = constants.create(means, new Shape(groups, filters)).toType(n.getDataType(), false)
                    .toDevice(n.getDevice(), false);
            memberMatrix = constants.create(members, new Shape(filters, groups)).toType(n.getDataType(), false)
                    .toDevice(n.getDevice(), false);
            meanMatrix.attach(constants);
            memberMatrix.attach(constants);
        }
        NDArray mu = on(scope, meanMatrix.matMul(n)); // (groups, 1)
        NDArray deviation = on(scope, n.sub(on(scope, memberMatrix.matMul(mu)))); // n_m - mu of m's group
        NDArray variance = on(scope, meanMatrix.matMul(on(scope, deviation.square()))); // (groups, 1)
        NDArray total = on(scope, on(scope, mu.sum()).add(
                on(scope, GraphScalars.times(scope, on(scope, variance.sum()), varianceWeight))));
        return on(scope, GraphScalars.times(scope, total, weight));
    }

    @Override
    public void close() {
        if (constants != null) {
            constants.close();
            constants = null;
        }
    }
}
