package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.GateContext;

/**
 * Hard-concrete gates, one per weight or one per output channel (Louizos et al. 2018, as AMLab-Amsterdam/L0_regularization's
 * {@code l0_layers.py}): u ~ U(eps, 1 - eps), s = sigmoid((log u - log(1 - u) + log_alpha) / beta), z = min(1,
 * max(0, s (zeta - gamma) + gamma)), the forward pass sees w * z; at inference z = min(1, max(0, sigmoid(log_alpha)
 * (zeta - gamma) + gamma)). The loss adds (lambda / N) times the expected L0 norm, sum sigmoid(log_alpha - beta
 * log(-gamma / zeta)); log_alpha is clamped to [log 1e-2, log 1e2] after every step, as the reference's
 * {@code constrain_parameters}. A channel's gate, shaped (C_out, 1, ..., 1), multiplies its whole filter, and its
 * term of the expected L0 norm counts the weights the filter carries, as the reference's {@code L0Conv2d._reg_w}
 * ({@code lamba} summed over the filter's input channels and kernel).
 */
final class HardConcreteGates extends WeightGates {
    static final double EPSILON = 1e-6;
    private final double beta;
    private final double gamma;
    private final double zeta;
    private final double lambda;

    HardConcreteGates(GateContext context, double beta, double gamma, double zeta, double lambda,
            double droprateInit) {
        this(context, beta, gamma, zeta, lambda, droprateInit, perWeight(context));
    }

    /** @param gateShapes per gated weight, its gates' shape (see {@link WeightGates}) */
    HardConcreteGates(GateContext context, double beta, double gamma, double zeta, double lambda,
            double droprateInit, Map<String, Shape> gateShapes) {
        super(context, "log_alpha", r -> Math.log(1 - droprateInit) - Math.log(droprateInit)
                + 1e-2 * r.nextGaussian(), gateShapes);
        this.beta = beta;
        this.gamma = gamma;
        this.zeta = zeta;
        this.lambda = lambda;
    }

    @Override
    public NDArray weight(String name, NDArray w, NDManager scope, long step) {
        NDArray logAlpha = in(scope, aux(name));
        NDArray z;
        if (step < 0) {
            z = deterministic(scope, logAlpha);
        } else {
            NDArray u = noise(scope, name, step, logAlpha.getShape(), false, EPSILON);
            NDArray logits = on(scope, on(scope, u.log()).sub(on(scope, on(scope, u.neg()).add(1).log())));
            NDArray s = on(scope, Activation.sigmoid(on(scope, on(scope, logits.add(logAlpha)).div(beta))));
            z = on(scope, on(scope, on(scope, s.mul(zeta - gamma)).add(gamma)).clip(0, 1));
        }
        return on(scope, z.mul(w));
    }

    /** The test-time gate: min(1, max(0, sigmoid(log_alpha) (zeta - gamma) + gamma)). */
    private NDArray deterministic(NDManager scope, NDArray logAlpha) {
        NDArray s = on(scope, Activation.sigmoid(logAlpha));
        return on(scope, on(scope, on(scope, s.mul(zeta - gamma)).add(gamma)).clip(0, 1));
    }

    /** P(z != 0) per gate: sigmoid(log_alpha - beta log(-gamma / zeta)), the terms of the expected L0 norm. */
    NDArray openProbability(NDManager scope, NDArray logAlpha) {
        return on(scope, Activation.sigmoid(on(scope, logAlpha.sub(beta * Math.log(-gamma / zeta)))));
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape());
        for (String name : aux.keySet()) {
            total = total.add(openProbability(scope, in(scope, aux(name))).sum().mul(weightsPerGate(name)));
        }
        return total.mul((float) (lambda / context.trainSize()));
    }

    @Override
    public void afterStep(long step, long totalSteps) {
        for (String name : aux.keySet()) {
            NDArray a = aux(name);
            try (NDArray clamped = a.clip(Math.log(1e-2), Math.log(1e2))) {
                a.set(clamped.toByteBuffer());
            }
        }
    }

    /**
     * The gates most likely open rank highest: log_alpha is monotone in P(z != 0). A channel gate's log_alpha is
     * repeated over its filter's weights.
     */
    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String n : aux.keySet()) {
            try (NDArray repeated = aux(n).broadcast(weight(n).getShape())) {
                out.put(n, copy(manager, repeated));
            }
        }
        return out;
    }

    /** The weights become w times their test-time gate. */
    @Override
    public void fold() {
        for (String name : aux.keySet()) {
            NDArray w = weight(name);
            try (NDManager scope = context.manager().newSubManager()) {
                NDArray folded = deterministic(scope, in(scope, aux(name))).mul(w);
                w.set(folded.toByteBuffer());
            }
        }
    }
}
