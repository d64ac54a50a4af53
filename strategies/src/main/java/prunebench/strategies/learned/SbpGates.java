package prunebench.strategies.learned;

import static prunebench.train.GraphScalars.atLeast;
import static prunebench.train.GraphScalars.times;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.GateContext;

/**
 * Structured Bayesian pruning's multiplicative noise (Neklyudov, Molchanov, Ashukha &amp; Vetrov 2017, as
 * necludov/group-sparsity-sbp's {@code nets/layers.py} {@code sbp_dropout}): one theta per group (a Linear layer's
 * input neuron, a convolution's output channel), log theta ~ N(mu, sigma^2) truncated to [a, b] = [-20, 0], under a
 * log-uniform prior on the same interval. The gate multiplies its group's weights, which is the reference's noise on
 * the neuron's activations (a dense layer's inputs, a convolution's output before its bias).
 *
 * <p>Training: one theta per group and mini-batch, as the reference (its noise has the parameters' shape): log theta
 * = clip(mu + sigma Phi^-1(clip(Phi(alpha) + u (Phi(beta) - Phi(alpha)), 1e-5, 1 - 1e-5)), a, b), u ~ U(0, 1),
 * alpha = (a - mu) / sigma, beta = (b - mu) / sigma, mu and log sigma clipped to [-20, 5] in the graph (the stored
 * parameters are not), Phi from erf and Phi^-1 from erfinv. The loss adds the closed-form KL (see
 * {@link TruncatedLogNormal}) over the groups, divided by N (the reference's N x mean cross-entropy + KL, over N).
 * The KL is taken in float64: Z = Phi(beta) - Phi(alpha) comes from a difference of erfs, which float32 rounds to
 * 0 once mu is five sigmas above b; Z is held at 1e-300 at least (the reference's float32 erfc would be -inf there).
 *
 * <p>Inference sees theta = E theta where SNR = E theta / sqrt(Var theta) &gt; {@code threshold} (1), 0 elsewhere,
 * the reference's test-time multiplier; the score of a group is its SNR; {@link #fold} writes E theta into the
 * weights (the mask is the prune's).
 */
final class SbpGates extends WeightGates {
    static final double A = -20;
    static final double B = 0;
    private static final double SQRT2 = Math.sqrt(2);
    private final Map<String, Parameter> logSigma;
    private final double threshold;

    /**
     * @param groups per gated weight, its gates' shape ((1, in) or (C_out, 1, ..., 1), {@link L0#inputNeuronGates})
     */
    SbpGates(GateContext context, Map<String, Shape> groups, double muInit, double logSigmaInit, double threshold) {
        super(context, "sbp_mu", groups, (n, r) -> muInit);
        this.logSigma = addAux("sbp_log_sigma", groups, (n, r) -> logSigmaInit);
        this.threshold = threshold;
    }

    /** The clipped mu of {@code name}'s groups, in {@code scope}'s graph. */
    private NDArray mu(NDManager scope, String name) {
        return in(scope, aux(name)).clip(-20, 5);
    }

    /** The clipped log sigma of {@code name}'s groups, in {@code scope}'s graph. */
    private NDArray logSigma(NDManager scope, String name) {
        return in(scope, logSigma.get(name).getArray()).clip(-20, 5);
    }

    /** Phi(x) = (1 + erf(x / sqrt 2)) / 2. */
    private static NDArray cdf(NDManager scope, NDArray x) {
        return times(scope, times(scope, x, 1 / SQRT2).erf().add(1), 0.5);
    }

    /** A sample of theta for {@code name}'s groups at training step {@code step}. */
    NDArray sample(NDManager scope, String name, long step) {
        NDArray mu = mu(scope, name);
        NDArray logSigma = logSigma(scope, name);
        NDArray inverse = logSigma.neg().exp();
        NDArray pa = cdf(scope, mu.neg().add(A).mul(inverse));
        NDArray pb = cdf(scope, mu.neg().add(B).mul(inverse));
        NDArray u = noise(scope, name, step, mu.getShape(), false, 0);
        NDArray gamma = pa.add(u.mul(pb.sub(pa))).clip(1e-5, 1 - 1e-5);
        NDArray x = times(scope, times(scope, gamma, 2).sub(1).erfinv(), SQRT2);
        return x.mul(logSigma.exp()).add(mu).clip(A, B).exp();
    }

    /** The KL of {@code name}'s groups from the prior, summed, in float64. */
    NDArray kl(NDManager scope, String name) {
        NDArray mu = mu(scope, name).toType(DataType.FLOAT64, false);
        NDArray logSigma = logSigma(scope, name).toType(DataType.FLOAT64, false);
        NDArray inverse = logSigma.neg().exp();
        NDArray alpha = mu.neg().add(A).mul(inverse);
        NDArray beta = mu.neg().add(B).mul(inverse);
        NDArray z = atLeast(scope, times(scope, times(scope, beta, 1 / SQRT2).erf()
                .sub(times(scope, alpha, 1 / SQRT2).erf()), 0.5), 1e-300);
        NDArray edges = alpha.mul(density(scope, alpha)).sub(beta.mul(density(scope, beta)));
        NDArray kl = logSigma.neg().sub(z.log()).sub(edges.div(times(scope, z, 2)))
                .add(Math.log(B - A) - 0.5 * Math.log(2 * Math.PI * Math.E));
        return kl.sum();
    }

    /** exp(-x^2 / 2) / sqrt(2 pi). */
    private static NDArray density(NDManager scope, NDArray x) {
        return times(scope, times(scope, x.square(), -0.5).exp(), 1 / Math.sqrt(2 * Math.PI));
    }

    @Override
    public NDArray weight(String name, NDArray w, NDManager scope, long step) {
        NDArray theta = step < 0 ? scope.create(perGroup(name, this::testTime), aux(name).getShape())
                : sample(scope, name, step);
        return in(scope, w).mul(theta);
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape(), DataType.FLOAT64);
        for (String name : aux.keySet()) {
            total = total.add(kl(scope, name));
        }
        return times(scope, total.toType(DataType.FLOAT32, false), 1.0 / context.trainSize());
    }

    /** Per group of {@code name}: {@code f} of (mu, sigma), clipped as in the graph. */
    private float[] perGroup(String name, GroupValue f) {
        float[] mu = aux(name).toFloatArray();
        float[] logSigma = this.logSigma.get(name).getArray().toFloatArray();
        float[] out = new float[mu.length];
        for (int i = 0; i < mu.length; i++) {
            out[i] = (float) f.of(clip(mu[i]), Math.exp(clip(logSigma[i])));
        }
        return out;
    }

    private interface GroupValue {
        double of(double mu, double sigma);
    }

    private static double clip(double v) {
        return Math.max(-20, Math.min(5, v));
    }

    /** SNR of each group of {@code name}. */
    float[] snr(String name) {
        return perGroup(name, (m, s) -> TruncatedLogNormal.snr(m, s, A, B));
    }

    /** The test-time multiplier: E theta where SNR &gt; threshold, else 0. */
    private double testTime(double mu, double sigma) {
        return TruncatedLogNormal.snr(mu, sigma, A, B) > threshold ? TruncatedLogNormal.mean(mu, sigma, A, B) : 0;
    }

    /** Per gated weight, {@code f} of each group's (mu, sigma), repeated over the group's weights. */
    private Map<String, NDArray> broadcast(NDManager manager, GroupValue f) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : aux.keySet()) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray groups = scope.create(perGroup(name, f), aux(name).getShape());
                out.put(name, copy(manager, groups.broadcast(weight(name).getShape())));
            }
        }
        return out;
    }

    /** The highest SNR ranks highest. */
    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        return broadcast(manager, (m, s) -> TruncatedLogNormal.snr(m, s, A, B));
    }

    /** The paper's rule: a group stays where its SNR is above the threshold (1). */
    @Override
    public Map<String, NDArray> ownKeep(NDManager manager) {
        return broadcast(manager, (m, s) -> TruncatedLogNormal.snr(m, s, A, B) > threshold ? 1 : 0);
    }

    /** The weights become w E theta (every group; which are removed is the prune's). */
    @Override
    public void fold() {
        for (String name : aux.keySet()) {
            NDArray w = weight(name);
            try (NDManager scope = context.manager().newSubManager()) {
                NDArray mean = scope.create(perGroup(name, (m, s) -> TruncatedLogNormal.mean(m, s, A, B)),
                        aux(name).getShape());
                prunebench.train.InPlace.assign(w, in(scope, w).mul(mean));
            }
        }
    }
}
