package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import prunebench.prune.GateContext;
import prunebench.train.GraphScalars;

/**
 * AutoPrune's auxiliary parameters (Xiao, Wang &amp; Rajasekaran 2019, NeurIPS): one m per weight, the forward pass
 * sees t = w h(m) with h the step function (1 where m &gt; 0, 0 elsewhere), evaluation too. The gradient of m is not
 * the chain rule's dL/dt x w x h'(m) but the paper's update rule dL/dt x sgn(w) x h'(m): m moves the way |w| would
 * under its own gradient step (down when w and dL/dt agree in sign), at a rate that does not depend on |w| itself, and
 * a masked weight's m still gets it (dL/dt is not masked), which is the method's recoverability. h'(m) is a
 * straight-through surrogate: 1 where m &gt; 0 and {@code steSlope} elsewhere (1: the plain straight-through
 * estimator). {@code fromWeight} (the {@code m_gradient: weight} key) uses the chain rule's w instead of sgn(w), for
 * comparison. The weights get their usual gradient through the mask, dL/dt x h(m); {@code denseWeightGradient}
 * passes dL/dt to every weight instead (masked ones included, as dynamic network surgery does).
 *
 * <p>Each term is built in the graph so that its forward value is exactly w h(m) and its derivatives are the rule's:
 * t = w h + stop(d) (m - stop(m)), d = sgn(w) x h'(m), with h and d constants of the step. The loss adds {@code lambda}
 * x the regulariser: {@code l1}, sum |m| (gradient lambda sgn(m)), or {@code mask}, sum h(m) (the number of kept
 * weights, its gradient lambda h'(m) through the same surrogate).
 *
 * <p>No code was released with the paper (none in the stored corpora) and its full text was not among the stored
 * pages, so the update rule above is the one the issue and the abstract describe ("gradient update rules for the
 * auxiliary parameters ... consistent with pruning tasks"); the initial m, lambda and the surrogate's slope are this
 * benchmark's defaults, not the paper's, and should be checked against the paper's equations before a reproduction.
 * The paper updates m and w with separate learning rates; here both are the learning stage's optimizer at
 * {@code learn_lr}.
 */
final class AuxiliaryMaskGates extends WeightGates {
    private final double lambda;
    private final boolean l1;
    private final double steSlope;
    private final boolean fromWeight;
    private final boolean denseWeightGradient;

    AuxiliaryMaskGates(GateContext context, double maskInit, double lambda, boolean l1, double steSlope,
            boolean fromWeight, boolean denseWeightGradient) {
        super(context, "aux_mask", r -> maskInit);
        this.lambda = lambda;
        this.l1 = l1;
        this.steSlope = steSlope;
        this.fromWeight = fromWeight;
        this.denseWeightGradient = denseWeightGradient;
    }

    /** The auxiliary parameters take no weight decay: their regulariser is the paper's alone. */
    @Override
    protected boolean decayed() {
        return false;
    }

    /** h(m): 1 where m &gt; 0, a constant of the graph. */
    private static NDArray open(NDArray m) {
        return m.stopGradient().gt(0).toType(DataType.FLOAT32, false);
    }

    /** The surrogate h'(m): 1 where m &gt; 0, {@code steSlope} elsewhere, a constant of the graph. */
    private NDArray surrogate(NDArray h) {
        return h.mul((float) (1 - steSlope)).add((float) steSlope);
    }

    /** 0 forward, {@code direction} as its derivative in m. */
    private static NDArray straightThrough(NDArray m, NDArray direction) {
        return direction.stopGradient().mul(m.sub(m.stopGradient()));
    }

    @Override
    public NDArray weight(String name, NDArray w, NDManager scope, long step) {
        NDArray m = in(scope, aux(name));
        NDArray weight = in(scope, w);
        NDArray h = open(m).toType(weight.getDataType(), false);
        NDArray masked = weight.mul(h);
        if (step < 0) {
            return masked;
        }
        if (denseWeightGradient) {
            // + (w - stop(w)) (1 - h): 0 forward, so every weight gets dL/dt
            masked = masked.add(weight.sub(weight.stopGradient()).mul(h.neg().add(1)));
        }
        NDArray towards = fromWeight ? weight.stopGradient() : weight.stopGradient().sign();
        return masked.add(straightThrough(m, towards.mul(surrogate(h))));
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape());
        for (String name : aux.keySet()) {
            NDArray m = in(scope, aux(name));
            NDArray term;
            if (l1) {
                term = m.abs().sum();
            } else {
                NDArray h = open(m);
                term = h.add(straightThrough(m, surrogate(h))).sum();
            }
            total = total.add(GraphScalars.times(scope, term, lambda));
        }
        return total;
    }

    /** m, the highest kept. */
    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        return auxiliaryCopies(manager);
    }

    /** The paper's own mask: a weight stays where h(m) = 1, m &gt; 0. */
    @Override
    public Map<String, NDArray> ownKeep(NDManager manager) {
        return positiveAuxiliaries(manager);
    }

    /** The weights are w itself where kept (a masked weight keeps its value); the prune's mask does the zeroing. */
    @Override
    public void fold() {}
}
