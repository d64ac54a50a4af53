package prunebench.strategies.learned;

import static prunebench.train.GraphScalars.times;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.model.LayerProduct;
import prunebench.model.PrunableLayer;
import prunebench.prune.GateContext;
import prunebench.prune.PruningTarget;

/**
 * Bayesian compression's group normal-Jeffreys posterior (Louizos, Ullrich &amp; Welling 2017, as
 * KarenUllrich/Tutorial_BayesianCompressionForDL's {@code BayesianLayers.py} {@code LinearGroupNJ} and
 * {@code Conv2dGroupNJ}): a scale z ~ N(z_mu, exp(z_logvar)) per group (a Linear layer's input neuron, a
 * convolution's output channel) and w | z ~ N(z w_mu, z^2 exp(w_logvar)) per weight, w_mu the network's weight.
 * log alpha = z_logvar - log(z_mu^2 + 1e-8) ({@code get_log_dropout_rates}).
 *
 * <p>Initialisation as {@code reset_parameters}: z_mu ~ N(1, 0.01^2), z_logvar and w_logvar ~ N(-9, 0.01^2). The
 * loss adds KL / N ({@code example.py}'s cross-entropy + KL / N): the sparse-VD approximation -(k1 sig(k2 + k3 log
 * alpha) - 0.5 softplus(-log alpha) - k1) per group ({@link LogAlphaGates#kl}) plus, per weight, KL(N(w_mu,
 * exp(w_logvar)) || N(0, 1)) = -0.5 w_logvar + 0.5 (exp(w_logvar) + w_mu^2) - 0.5 ({@code LinearGroupNJ}'s form;
 * {@code _ConvNdGroupNJ} writes -w_logvar + 0.5 (exp(w_logvar)^2 + w_mu^2) - 0.5, which reads w_logvar as a log
 * standard deviation while its forward pass uses it as a log variance: here the Linear form serves both).
 *
 * <p>Training, as the reference's forward: z drawn per example and group; a Linear layer's output is sampled with
 * the local reparameterisation trick on x z: N((x z) w_mu^T + b, (x z)^2 exp(w_logvar)^T); a convolution's as
 * N(conv(x, w_mu) z + b, conv(x^2, exp(w_logvar)) z^2). Inference uses w_mu z_mu where log alpha &lt; the layer's
 * threshold, 0 elsewhere (the reference's compressed {@code deterministic} forward, {@code post_weight_mu}).
 *
 * <p>Where this differs from the reference: the bias stays a point estimate, outside the KL and the output variance
 * (the reference gives it a log variance and the same N(0, 1) KL); a convolution's bias is not scaled by z in
 * training (the reference's training forward scales it, its compressed forward does not: here both do not).
 */
final class GroupNjGates extends WeightGates {
    static final double EPSILON = 1e-8;
    private final Map<String, Parameter> zLogvar;
    private final Map<String, Parameter> wLogvar;
    private final Map<String, Double> thresholds;
    private final Map<String, Double> clipVars;

    /**
     * @param groups     per gated weight, its gates' shape ((1, in) or (C_out, 1, ..., 1))
     * @param thresholds per gated weight, the log alpha at and above which a group goes
     * @param clipVars   per gated weight, the largest exp(w_logvar) after each step ({@code clip_var}; 0: none)
     */
    GroupNjGates(GateContext context, Map<String, Shape> groups, Map<String, Double> thresholds,
            Map<String, Double> clipVars) {
        super(context, "nj_z_mu", groups, (n, r) -> 1 + 1e-2 * r.nextGaussian());
        this.zLogvar = addAux("nj_z_logvar", groups, (n, r) -> -9 + 1e-2 * r.nextGaussian());
        Map<String, Shape> perWeight = new LinkedHashMap<>();
        groups.keySet().forEach(n -> perWeight.put(n, weight(n).getShape()));
        this.wLogvar = addAux("nj_weight_logvar", perWeight, (n, r) -> -9 + 1e-2 * r.nextGaussian());
        this.thresholds = Map.copyOf(thresholds);
        this.clipVars = Map.copyOf(clipVars);
    }

    /** log alpha of {@code name}'s groups, in {@code scope}'s graph. */
    NDArray logAlpha(NDManager scope, String name) {
        NDArray mu = in(scope, aux(name));
        return in(scope, zLogvar.get(name).getArray()).sub(mu.mul(mu).add(EPSILON).log());
    }

    /** The KL of {@code name}'s groups and weights. */
    NDArray kl(NDManager scope, String name) {
        NDArray groups = LogAlphaGates.kl(scope, logAlpha(scope, name));
        NDArray lv = in(scope, wLogvar.get(name).getArray());
        NDArray w = in(scope, weight(name));
        NDArray weights = times(scope, lv, -0.5).add(times(scope, lv.exp().add(w.mul(w)), 0.5)).sub(0.5).sum();
        return groups.add(weights);
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape());
        for (String name : aux.keySet()) {
            total = total.add(kl(scope, name));
        }
        return times(scope, total, 1.0 / context.trainSize());
    }

    /** 1 where a group of {@code name} stays (log alpha below its layer's threshold), else 0, group-shaped. */
    private NDArray kept(NDManager scope, String name) {
        return logAlpha(scope, name).lt(thresholds.get(name)).toType(DataType.FLOAT32, false);
    }

    /**
     * The test-time weights w_mu z_mu (kept groups) at a negative step; at a training step w_mu z, z drawn per
     * group and batch, used only by a layer that does not go through {@link #output}.
     */
    @Override
    public NDArray weight(String name, NDArray w, NDManager scope, long step) {
        NDArray mu = in(scope, aux(name));
        if (step < 0) {
            return in(scope, w).mul(mu.mul(kept(scope, name)));
        }
        NDArray eps = noise(scope, name, step, mu.getShape(), true, 0);
        NDArray std = times(scope, in(scope, zLogvar.get(name).getArray()), 0.5).exp();
        return in(scope, w).mul(mu.add(std.mul(eps)));
    }

    @Override
    public NDArray output(String name, NDArray input, NDArray w, NDArray bias, LayerProduct product, NDManager scope,
            long step) {
        if (step < 0) {
            return product.apply(input, weight(name, w, scope, step), bias);
        }
        NDArray theta = in(scope, w);
        NDArray variances = in(scope, wLogvar.get(name).getArray()).exp();
        NDArray mu = in(scope, aux(name));
        NDArray std = times(scope, in(scope, zLogvar.get(name).getArray()), 0.5).exp();
        long batch = input.getShape().get(0);
        if (kind(name) == PrunableLayer.Kind.LINEAR) {
            Shape zShape = new Shape(batch, mu.size());
            NDArray z = mu.reshape(1, mu.size()).add(std.reshape(1, mu.size())
                    .mul(outputNoise(scope, name + "/z", step, zShape)));
            NDArray xz = input.mul(z);
            NDArray mean = product.apply(xz, theta, bias);
            NDArray variance = product.apply(xz.mul(xz), variances, null);
            return mean.add(variance.add(1e-8f).sqrt().mul(outputNoise(scope, name, step, mean.getShape())));
        }
        long channels = mu.size();
        NDArray z = mu.reshape(1, channels, 1, 1).add(std.reshape(1, channels, 1, 1)
                .mul(outputNoise(scope, name + "/z", step, new Shape(batch, channels, 1, 1))));
        NDArray mean = product.apply(input, theta, null).mul(z);
        NDArray variance = product.apply(input.mul(input), variances, null).mul(z.mul(z));
        NDArray out = mean.add(variance.add(1e-8f).sqrt().mul(outputNoise(scope, name, step, mean.getShape())));
        return bias == null ? out : out.add(bias.reshape(1, channels, 1, 1));
    }

    private PrunableLayer.Kind kind(String name) {
        return target(name).layer().kind();
    }

    private PruningTarget target(String name) {
        return context.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** The reference's {@code clip_variances}: w_logvar at most log(clip_var) where clip_var is set. */
    @Override
    public void afterStep(long step, long totalSteps) {
        for (String name : aux.keySet()) {
            double clip = clipVars.getOrDefault(name, 0.0);
            if (clip > 0) {
                // in place, nothing left on the run's manager (InPlace: a clip there grows memory every step)
                prunebench.train.InPlace.atMost(wLogvar.get(name).getArray(), Math.log(clip));
            }
        }
    }

    /** Per gated weight, {@code f}(log alpha) repeated over each group's weights. */
    private Map<String, NDArray> broadcast(NDManager manager, java.util.function.BiFunction<NDManager, String,
            NDArray> f) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : aux.keySet()) {
            try (NDManager scope = manager.newSubManager()) {
                out.put(name, copy(manager, f.apply(scope, name).broadcast(weight(name).getShape())));
            }
        }
        return out;
    }

    /** The lowest log alpha (the least noisy groups) rank highest. */
    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        return broadcast(manager, (scope, name) -> logAlpha(scope, name).neg());
    }

    /** The reference's rule: a group stays where log alpha &lt; its layer's threshold. */
    @Override
    public Map<String, NDArray> ownKeep(NDManager manager) {
        return broadcast(manager, this::kept);
    }

    /** The weights become w_mu z_mu (every group; which are removed is the prune's). */
    @Override
    public void fold() {
        for (String name : aux.keySet()) {
            NDArray w = weight(name);
            try (NDManager scope = context.manager().newSubManager()) {
                prunebench.train.InPlace.assign(w, in(scope, w).mul(in(scope, aux(name))));
            }
        }
    }
}
