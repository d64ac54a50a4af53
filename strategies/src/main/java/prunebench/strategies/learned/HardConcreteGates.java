package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.model.PrunableLayer;
import prunebench.prune.GateContext;
import prunebench.train.GraphScalars;

/**
 * Hard-concrete gates, one per weight, per output channel or per input neuron (Louizos et al. 2018, as
 * AMLab-Amsterdam/L0_regularization's {@code l0_layers.py}): u ~ U(eps, 1 - eps), s = sigmoid((log u - log(1 - u) +
 * log_alpha) / beta), z = min(1, max(0, s (zeta - gamma) + gamma)), the forward pass sees w * z; at inference z =
 * min(1, max(0, sigmoid(log_alpha) (zeta - gamma) + gamma)). log_alpha is clamped to [log 1e-2, log 1e2] after every
 * step, as the reference's {@code constrain_parameters}.
 *
 * <p>A gate's shape broadcasts over the weight: (C_out, 1, ..., 1) multiplies a whole filter (the reference's
 * {@code L0Conv2d}), (1, C_in) a whole column of a Linear weight, i.e. one input neuron ({@code L0Dense}). The loss is
 * the reference's {@code -(1/N) * regularization()}: per gate g of layer l, P(z_g != 0) = 1 - Q(s_g < 0) =
 * sigmoid(log_alpha_g - beta log(-gamma / zeta)), clipped to [eps, 1 - eps] as {@code cdf_qz}, times (lambda_l |g|
 * + weight_decay / 2 sum over g's weights of w^2) / N, |g| the weights the gate carries ({@code _reg_w}: {@code lamba}
 * summed over the filter, or over the out_features of an input neuron's column). With weight_decay &gt; 0 a gated
 * layer's bias adds weight_decay / 2 b^2 / N, weighted by P(open) of its channel where the gates are per output
 * channel (as {@code L0Conv2d}) and plain otherwise (as {@code L0Dense}, whose gates are on the inputs).
 *
 * <p>Where this differs from the reference: {@code L0Conv2d} leaves its bias out of the training forward pass and
 * gates it at test time, and its {@code _reg_w} adds the bias as {@code -(1 - q0) (wd / 2 b^2 - lamba)}, i.e. with
 * the lambda term's sign flipped (one weight fewer per open filter); here the bias stays in the forward pass, ungated,
 * and only its weight-decay term is counted. The reference draws one gate sample per mini-batch unless
 * {@code local_rep}; so does this.
 */
final class HardConcreteGates extends WeightGates {
    static final double EPSILON = 1e-6;
    private final double beta;
    private final double gamma;
    private final double zeta;
    /** lambda by gated weight tensor. */
    private final Map<String, Double> lambdas;
    private final double weightDecay;

    HardConcreteGates(GateContext context, double beta, double gamma, double zeta, double lambda,
            double droprateInit) {
        this(context, beta, gamma, zeta, lambda, droprateInit, perWeight(context));
    }

    /** @param gateShapes per gated weight, its gates' shape (see {@link WeightGates}) */
    HardConcreteGates(GateContext context, double beta, double gamma, double zeta, double lambda,
            double droprateInit, Map<String, Shape> gateShapes) {
        this(context, beta, gamma, zeta, uniform(gateShapes, lambda), uniform(gateShapes, droprateInit), 0,
                gateShapes);
    }

    /**
     * @param lambdas      per gated weight tensor, its lambda (before the 1/N)
     * @param droprateInit per gated weight tensor, the drop rate its log_alpha starts at (plus N(0, 0.01) noise)
     * @param weightDecay  the reference's layer {@code weight_decay} (its prior precision), 0 for none
     * @param gateShapes   per gated weight, its gates' shape (see {@link WeightGates})
     */
    HardConcreteGates(GateContext context, double beta, double gamma, double zeta, Map<String, Double> lambdas,
            Map<String, Double> droprateInit, double weightDecay, Map<String, Shape> gateShapes) {
        super(context, "log_alpha", gateShapes, (name, r) -> Math.log(1 - droprateInit.get(name))
                - Math.log(droprateInit.get(name)) + 1e-2 * r.nextGaussian());
        this.beta = beta;
        this.gamma = gamma;
        this.zeta = zeta;
        this.lambdas = Map.copyOf(lambdas);
        this.weightDecay = weightDecay;
    }

    private static Map<String, Double> uniform(Map<String, Shape> gateShapes, double value) {
        Map<String, Double> out = new LinkedHashMap<>();
        gateShapes.keySet().forEach(n -> out.put(n, value));
        return out;
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
            NDArray s = on(scope, Activation.sigmoid(on(scope, GraphScalars.over(scope, on(scope, logits.add(logAlpha)), beta))));
            z = on(scope, on(scope, on(scope, GraphScalars.times(scope, s, zeta - gamma)).add(gamma)).clip(0, 1));
        }
        return on(scope, z.mul(w));
    }

    /** The test-time gate: min(1, max(0, sigmoid(log_alpha) (zeta - gamma) + gamma)). */
    private NDArray deterministic(NDManager scope, NDArray logAlpha) {
        NDArray s = on(scope, Activation.sigmoid(logAlpha));
        return on(scope, on(scope, on(scope, GraphScalars.times(scope, s, zeta - gamma)).add(gamma)).clip(0, 1));
    }

    /**
     * P(z != 0) per gate: sigmoid(log_alpha - beta log(-gamma / zeta)), the terms of the expected L0 norm, clipped
     * to [eps, 1 - eps] as the reference's {@code cdf_qz} (never reached with log_alpha in [log 1e-2, log 1e2]).
     */
    NDArray openProbability(NDManager scope, NDArray logAlpha) {
        return on(scope, on(scope, Activation.sigmoid(on(scope, logAlpha.sub(beta * Math.log(-gamma / zeta)))))
                .clip(EPSILON, 1 - EPSILON));
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape());
        double n = context.trainSize();
        for (String name : aux.keySet()) {
            NDArray p = openProbability(scope, in(scope, aux(name)));
            total = total.add(GraphScalars.times(scope, p.sum(), weightsPerGate(name) * lambdas.get(name) / n));
            if (weightDecay > 0) {
                total = total.add(GraphScalars.times(scope, weightDecay(scope, name, p), weightDecay / 2 / n));
            }
        }
        return total;
    }

    /**
     * sum_g P(g open) sum_{w in g} w^2, plus the layer's bias: b^2 weighted by its channel's P(open) where the gates
     * are per output channel, else plain.
     */
    private NDArray weightDecay(NDManager scope, String name, NDArray p) {
        NDArray w = in(scope, weight(name));
        NDArray sum = on(scope, on(scope, p.mul(on(scope, w.square()))).sum());
        Parameter bias = layer(name).bias();
        if (bias == null) {
            return sum;
        }
        NDArray b2 = on(scope, in(scope, bias.getArray()).square());
        Shape gates = aux(name).getShape();
        boolean perChannel = gates.get(0) == b2.size() && gates.size() == b2.size();
        NDArray biasTerm = perChannel ? on(scope, p.reshape(b2.getShape())).mul(b2) : b2;
        return on(scope, sum.add(on(scope, on(scope, biasTerm).sum())));
    }

    private PrunableLayer layer(String name) {
        return context.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().layer();
    }

    @Override
    public void afterStep(long step, long totalSteps) {
        for (String name : aux.keySet()) {
            // in place, nothing left on the gates' manager (InPlace: clip() here grew memory by a gate a step)
            prunebench.train.InPlace.clip(aux(name), Math.log(1e-2), Math.log(1e2));
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

    /** The paper's rule: a weight stays where its test-time gate (Eq. 13) is above 0, a channel's over its filter. */
    @Override
    public Map<String, NDArray> ownKeep(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String n : aux.keySet()) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray open = deterministic(scope, in(scope, aux(n))).gt(0).toType(
                        ai.djl.ndarray.types.DataType.FLOAT32, false);
                out.put(n, copy(manager, on(scope, open.broadcast(weight(n).getShape()))));
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
                NDArray folded = deterministic(scope, in(scope, aux(name))).mul(in(scope, w));
                prunebench.train.InPlace.assign(w, folded);
            }
        }
    }
}
