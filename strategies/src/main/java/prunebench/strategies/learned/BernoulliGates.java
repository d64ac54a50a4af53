package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.GateContext;
import prunebench.train.GraphScalars;

/**
 * Srinivas, Subramanya &amp; Babu 2017 ("Training Sparse Neural Networks", CVPR workshops, arXiv 1611.06694): a gate
 * g in [0, 1] per weight. A training step samples z ~ Bernoulli(g) per weight (drawn in Java from (seed, tensor,
 * step)) and the forward pass sees w z; the gradient reaches g straight through the sampling, dz/dg = 1 (as
 * BinaryConnect), so dL/dg = dL/d(w z) x w, and w gets dL/d(w z) x z. Both are built in the graph as
 * w z + stop(w) (g - stop(g)): the second term is exactly 0 forward and carries the straight-through derivative. The
 * loss adds {@code lambdaBimodal} x sum g (1 - g) (the paper's bimodal regulariser, minimal at 0 and 1) plus
 * {@code lambdaL1} x sum g (its L1 term, g being non-negative); the gates are clipped to [0, 1] after every step.
 * At test time the rule is deterministic: a weight stays where g &gt; 0.5 ({@code threshold}), and the evaluation of
 * the learning stage sees w [g &gt; 0.5].
 *
 * <p>No code was released with the paper (none was found in the stored code, issue or page corpora); this follows
 * the paper as the issue describes it. The paper's text itself was not among the stored pages either, so the
 * initial gate value and the two lambdas are this benchmark's defaults, not the paper's.
 */
final class BernoulliGates extends WeightGates {
    /** Weight of |w| / max |w| in the scores: breaks ties between gates clipped to the same bound. */
    static final double TIE_BREAK = 1e-4;
    private final double lambdaBimodal;
    private final double lambdaL1;
    private final double threshold;

    BernoulliGates(GateContext context, double gateInit, double lambdaBimodal, double lambdaL1, double threshold) {
        super(context, "gate", r -> gateInit);
        this.lambdaBimodal = lambdaBimodal;
        this.lambdaL1 = lambdaL1;
        this.threshold = threshold;
    }

    /** The gates take no weight decay: their regularisers are the paper's two terms alone. */
    @Override
    protected boolean decayed() {
        return false;
    }

    /** z ~ Bernoulli(g) for tensor {@code name} at {@code step}: 1 where u &lt; g, u uniform in [0, 1). */
    NDArray sample(NDManager scope, NDArray g, String name, long step) {
        NDArray u = noise(scope, name, step, g.getShape(), false, 0);
        return u.lt(g.stopGradient()).toType(DataType.FLOAT32, false);
    }

    @Override
    public NDArray weight(String name, NDArray w, NDManager scope, long step) {
        NDArray g = in(scope, aux(name));
        NDArray weight = in(scope, w);
        if (step < 0) {
            return weight.mul(g.gt(threshold).toType(weight.getDataType(), false));
        }
        NDArray z = sample(scope, g, name, step).toType(weight.getDataType(), false);
        NDArray straightThrough = g.sub(g.stopGradient()); // 0 forward, dz/dg = 1 backward
        return weight.mul(z).add(weight.stopGradient().mul(straightThrough));
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape());
        for (String name : aux.keySet()) {
            NDArray g = in(scope, aux(name));
            NDArray bimodal = GraphScalars.times(scope, g.mul(g.neg().add(1)).sum(), lambdaBimodal);
            total = total.add(bimodal).add(GraphScalars.times(scope, g.sum(), lambdaL1));
        }
        return total;
    }

    /** The paper keeps the gates in [0, 1]. */
    @Override
    public void afterStep(long step, long totalSteps) {
        for (String name : aux.keySet()) {
            prunebench.train.InPlace.clip(aux(name), 0, 1); // nothing left on the gates' manager (InPlace)
        }
    }

    /**
     * g, the highest kept; gates clipped to the same bound (many sit at 0 or 1) are ordered by |w| / max |w| of their
     * tensor, weighted {@link #TIE_BREAK}, rather than by position.
     */
    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            for (String name : aux.keySet()) {
                NDArray magnitude = in(scope, weight(name)).abs();
                NDArray max = magnitude.max().add(1e-12f);
                NDArray score = in(scope, aux(name)).add(magnitude.div(max).mul((float) TIE_BREAK));
                out.put(name, copy(manager, score));
            }
        }
        return out;
    }

    /** The paper's test-time rule: a weight stays where its gate is above 0.5. */
    @Override
    public Map<String, NDArray> ownKeep(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            for (String name : aux.keySet()) {
                out.put(name, copy(manager, in(scope, aux(name)).gt(threshold).toType(DataType.FLOAT32, false)));
            }
        }
        return out;
    }

    /** The test-time weights are w itself where kept; the prune's mask does the zeroing. */
    @Override
    public void fold() {}
}
