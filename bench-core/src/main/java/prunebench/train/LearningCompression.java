package prunebench.train;

import static prunebench.train.Penalty.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The L step's penalty of learning-compression (Carreira-Perpi&ntilde;&aacute;n &amp; Idelbayev 2018, augmented
 * Lagrangian form of UCMerced-ML/LC-model-compression {@code lc/main.py}): the stage's steps are split into {@code
 * muSteps} equal L steps; L step j adds mu_j / 2 x ||w - (Theta + lambda / mu_j)||^2 with mu_j = mu_0 x growth^j.
 * Before the first, the direct compression Theta = Pi(w), lambda = 0; between L steps j and j + 1, the C step Theta
 * = Pi(w - lambda / mu_j) (Pi: the {@code keep} largest magnitudes of all targets, zero elsewhere, the reference's
 * {@code ConstraintL0Pruning} on one vector of every weight) and the multipliers' step lambda -= mu_j (w - Theta).
 * After the last L step, {@link #finish} makes the final C step and sets w = Theta, as the reference's compressed
 * evaluation does ({@code compression_eval}), so that the prune that follows keeps Theta's support. Theta and lambda
 * live on a manager of their own, closed with the penalty.
 */
final class LearningCompression implements Penalty {
    private final List<NDArray> weights;
    private final double mu0;
    private final double growth;
    private final int muSteps;
    private final long keep;
    private final NDManager state;
    private final List<NDArray> theta = new ArrayList<>();
    private final List<NDArray> lambda = new ArrayList<>();
    private final List<NDArray> target = new ArrayList<>();
    private int lStep = -1;

    LearningCompression(List<NDArray> weights, double mu0, double growth, int muSteps, long keep) {
        this.weights = weights;
        this.mu0 = mu0;
        this.growth = growth;
        this.muSteps = muSteps;
        this.keep = keep;
        this.state = weights.get(0).getManager().newSubManager();
    }

    /** mu of L step {@code j}. */
    static double mu(double mu0, double growth, int j) {
        return mu0 * Math.pow(growth, j);
    }

    /** The L step (0-based) that optimizer step {@code step} of {@code totalSteps} belongs to. */
    static int lStep(long step, long totalSteps, int muSteps) {
        return (int) Math.min(muSteps - 1, Math.max(0, step) * muSteps / Math.max(1, totalSteps));
    }

    @Override
    public NDArray value(NDManager scope) {
        return value(scope, 0, 1);
    }

    @Override
    public NDArray value(NDManager scope, long step, long totalSteps) {
        int j = lStep(step, totalSteps, muSteps);
        if (j != lStep) {
            advance(scope, j);
        }
        double mu = mu(mu0, growth, j);
        NDArray total = scope.zeros(new Shape());
        for (int i = 0; i < weights.size(); i++) {
            NDArray d = on(scope, weights.get(i).sub(target.get(i)));
            total = on(scope, total.add(on(scope, on(scope, d.square()).sum())));
        }
        return on(scope, GraphScalars.times(scope, total, mu / 2));
    }

    /**
     * The final C step after the last L step, Theta = Pi(w - lambda / mu) at its mu (the direct compression Pi(w)
     * if no L step ran here: a stage resumed after its last epoch), written into the weights: w = Theta.
     */
    @Override
    public void finish(NDManager scope) {
        List<NDArray> w = detached(scope);
        List<NDArray> last = lStep < 0 ? project(scope, w) : cStep(scope, w);
        for (int i = 0; i < weights.size(); i++) {
            NDArray target = weights.get(i);
            InPlace.assign(target, on(scope, last.get(i).toType(target.getDataType(), false)));
        }
    }

    /**
     * Into L step {@code j}: the direct compression on the first call (also where a resumed stage starts mid-way:
     * its multipliers were not kept), else the C step and the multipliers' step at the finished L step's mu; then
     * the new target Theta + lambda / mu_j.
     */
    private void advance(NDManager scope, int j) {
        List<NDArray> w = detached(scope);
        if (lStep < 0) {
            replace(theta, project(scope, w));
            List<NDArray> zeros = new ArrayList<>();
            w.forEach(x -> zeros.add(on(scope, x.zerosLike())));
            replace(lambda, zeros);
        } else {
            double mu = mu(mu0, growth, lStep);
            replace(theta, cStep(scope, w));
            List<NDArray> next = new ArrayList<>();
            for (int i = 0; i < w.size(); i++) {
                next.add(on(scope, lambda.get(i).sub(on(scope, on(scope, w.get(i).sub(theta.get(i)))
                        .mul((float) mu)))));
            }
            replace(lambda, next);
        }
        double mu = mu(mu0, growth, j);
        List<NDArray> next = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            next.add(on(scope, theta.get(i).add(on(scope, lambda.get(i).div((float) mu)))));
        }
        replace(target, next);
        lStep = j;
    }

    /** The targets' current values, outside the graph. */
    private List<NDArray> detached(NDManager scope) {
        List<NDArray> w = new ArrayList<>();
        weights.forEach(x -> w.add(on(scope, x.stopGradient())));
        return w;
    }

    /** The C step at the current L step's mu: Pi(w - lambda / mu). */
    private List<NDArray> cStep(NDManager scope, List<NDArray> w) {
        double mu = mu(mu0, growth, lStep);
        List<NDArray> offset = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            offset.add(on(scope, w.get(i).sub(on(scope, lambda.get(i).div((float) mu)))));
        }
        return project(scope, offset);
    }

    /** Pi: the {@code keep} largest magnitudes of {@code v} taken together, zero elsewhere. */
    private List<NDArray> project(NDManager scope, List<NDArray> v) {
        float threshold = Penalty.keptThreshold(scope, v, keep);
        List<NDArray> out = new ArrayList<>();
        for (NDArray x : v) {
            NDArray kept = on(scope, on(scope, on(scope, x.abs()).gte(threshold)).toType(x.getDataType(), false));
            out.add(on(scope, x.mul(kept)));
        }
        return out;
    }

    /** {@code into}'s arrays, closed, replaced by copies of {@code values} on the penalty's own manager. */
    private void replace(List<NDArray> into, List<NDArray> values) {
        into.forEach(NDArray::close);
        into.clear();
        for (NDArray v : values) {
            NDArray kept = v.duplicate();
            kept.attach(state);
            into.add(kept);
        }
    }

    /** Theta of the targets, in their order (for tests). */
    List<NDArray> theta() {
        return theta;
    }

    /** lambda of the targets, in their order (for tests). */
    List<NDArray> multipliers() {
        return lambda;
    }

    @Override
    public void close() {
        state.close();
    }
}
