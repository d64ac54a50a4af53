package prunebench.strategies.learned;

import static prunebench.train.GraphScalars.times;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.model.LayerProduct;
import prunebench.prune.GateContext;
import prunebench.train.GraphScalars;

/**
 * Sparse variational dropout's posterior per weight (Molchanov, Ashukha &amp; Vetrov 2017, as senya-ashukha/sparse_vd's
 * {@code LinearSVDO} and {@code Conv2dSVDO}, LeNet notebook): the weight is the mean theta, the auxiliary tensor
 * log sigma; log alpha = clamp(2 log sigma - 2 log(|theta| + 1e-16), -10, 10).
 *
 * <p>Training uses the local reparameterisation trick, as the reference: a layer's output is sampled rather than its
 * weights, mu = x theta^T + b and var = (x * x) (sigma^2)^T (for a Conv2d the layer's convolution of x with theta,
 * plus b, and of x * x with sigma^2, sigma^2 = exp(2 log sigma), unclamped as the reference), output = mu +
 * sqrt(var + 1e-8) * eps with eps ~ N(0, 1) drawn per example and per output unit (per output position for a
 * convolution). Two examples of one batch thus get independent noise, the estimator's lower variance the paper relies
 * on. The noise is drawn in Java from (seed, tensor, step), so a resumed run draws the same, at the cost of one
 * Gaussian per output value per step. A layer not built by {@link prunebench.model.Layers} (every model here is)
 * would fall back to {@link #weight}: theta + sigma * eps, eps drawn per weight and per batch.
 *
 * <p>Inference sees theta where log alpha &lt; {@code threshold} (3) and 0 elsewhere, the reference's test-time
 * weights. The loss adds kl_weight(epoch) x KL / N with the paper's approximation -KL = k1 sigmoid(k2 + k3 log alpha)
 * - 0.5 log(1 + 1/alpha) - k1 (k1 = 0.63576, k2 = 1.87320, k3 = 1.48695), kl_weight rising by {@code kl_weight_step}
 * per epoch from {@code kl_weight_start} to 1. Where the notebook and the paper's Theano code differ, {@link Form}
 * chooses (the notebook's by default).
 */
final class LogAlphaGates extends WeightGates {
    static final double K1 = 0.63576;
    static final double K2 = 1.87320;
    static final double K3 = 1.48695;
    private final double threshold;
    private final double klStart;
    private final double klStep;
    private final Form form;

    /**
     * Where the two reference codes differ. The PyTorch notebook (senya-ashukha/sparse_vd, {@code LinearSVDO}):
     * log alpha clipped to [-10, 10], the output variance from sigma^2 itself, the training mean from every weight.
     * The paper's Theano code (ars-ashuha/variational-dropout-sparsifies-dnn, nets/layers.py
     * {@code DenseVarDropOutARD}): log alpha clipped to [-8, 8], the variance from alpha theta^2 with the clipped
     * alpha (so a weight at the clip adds no more noise than e^8 theta^2, however large sigma grew), and with
     * {@code train_clip=True} (the LeNet scripts) the training mean without the weights at log alpha &gt;= 3.
     *
     * @param logAlphaClip     log alpha is clipped to [-clip, clip]
     * @param varianceFromAlpha the output variance from alpha theta^2 (Theano) rather than sigma^2 (notebook)
     * @param trainClip        the training mean without the weights at log alpha &gt;= threshold
     */
    record Form(double logAlphaClip, boolean varianceFromAlpha, boolean trainClip) {
        static final Form NOTEBOOK = new Form(10, false, false);
    }

    LogAlphaGates(GateContext context, double logSigmaInit, double threshold, double klStart, double klStep) {
        this(context, logSigmaInit, threshold, klStart, klStep, Form.NOTEBOOK);
    }

    LogAlphaGates(GateContext context, double logSigmaInit, double threshold, double klStart, double klStep,
            Form form) {
        super(context, "log_sigma", r -> logSigmaInit);
        this.threshold = threshold;
        this.klStart = klStart;
        this.klStep = klStep;
        this.form = form;
    }

    /** log alpha of weight tensor {@code name}, in {@code scope}'s graph. */
    NDArray logAlpha(NDManager scope, String name) {
        NDArray twiceLogSigma = times(scope, in(scope, aux(name)), 2);
        NDArray logAbs = times(scope, in(scope, weight(name)).abs().add(1e-16f).log(), 2);
        return twiceLogSigma.sub(logAbs).clip(-form.logAlphaClip(), form.logAlphaClip());
    }

    /**
     * The paper's KL approximation summed over {@code logAlpha}: -(k1 sig(k2 + k3 la) - 0.5 log1p(e^-la) - k1); its
     * constants live on {@code scope} ({@link GraphScalars}).
     */
    static NDArray kl(NDManager scope, NDArray logAlpha) {
        NDArray first = times(scope, Activation.sigmoid(times(scope, logAlpha, K3).add(K2)), K1);
        NDArray second = times(scope, logAlpha.neg().exp().add(1).log(), 0.5);
        return first.sub(second).sub(K1).neg().sum();
    }

    /** The KL weight of training step {@code step}: kl_weight_start + kl_weight_step per epoch, at most 1. */
    double klWeight(long step) {
        return Math.min(1.0, klStart + klStep * (step / context.stepsPerEpoch()));
    }

    /**
     * The test-time weights at a negative step; at a training step the per-weight sample theta + sigma * eps, used
     * only by a layer that does not go through {@link #output} (none of the models here).
     */
    @Override
    public NDArray weight(String name, NDArray w, NDManager scope, long step) {
        NDArray theta = in(scope, w);
        if (step < 0) {
            NDArray keep = logAlpha(scope, name).lt(threshold).toType(theta.getDataType(), false);
            return theta.mul(keep);
        }
        NDArray eps = noise(scope, name, step, w.getShape(), true, 0);
        return theta.add(in(scope, aux(name)).exp().mul(eps));
    }

    /**
     * The local reparameterisation trick at training steps: mu + sqrt(var + 1e-8) * eps, one eps per output value;
     * at inference the layer's product with the test-time weights ({@link #weight} at a negative step).
     */
    @Override
    public NDArray output(String name, NDArray input, NDArray w, NDArray bias, LayerProduct product, NDManager scope,
            long step) {
        if (step < 0) {
            return product.apply(input, weight(name, w, scope, step), bias);
        }
        NDArray theta = in(scope, w);
        NDArray logAlpha = form.trainClip() || form.varianceFromAlpha() ? logAlpha(scope, name) : null;
        NDArray meanWeights = form.trainClip()
                ? theta.mul(logAlpha.lt(threshold).toType(theta.getDataType(), false)) : theta;
        NDArray mu = product.apply(input, meanWeights, bias);
        NDArray sigma2 = form.varianceFromAlpha() ? logAlpha.exp().mul(theta.mul(theta))
                : times(scope, in(scope, aux(name)), 2).exp();
        NDArray variance = product.apply(input.mul(input), sigma2, null);
        NDArray eps = outputNoise(scope, name, step, mu.getShape());
        return mu.add(variance.add(1e-8f).sqrt().mul(eps));
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape());
        for (String name : aux.keySet()) {
            total = total.add(kl(scope, logAlpha(scope, name)));
        }
        return times(scope, total, klWeight(step) / context.trainSize());
    }

    /** The lowest log alpha (the least noisy weights) rank highest. */
    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            for (String name : aux.keySet()) {
                out.put(name, copy(manager, logAlpha(scope, name).neg()));
            }
        }
        return out;
    }

    /** The paper's rule: a weight stays where log alpha &lt; threshold (3), as the test-time forward pass. */
    @Override
    public Map<String, NDArray> ownKeep(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            for (String name : aux.keySet()) {
                out.put(name, copy(manager, logAlpha(scope, name).lt(threshold).toType(
                        ai.djl.ndarray.types.DataType.FLOAT32, false)));
            }
        }
        return out;
    }

    /** The weights are the posterior means already. */
    @Override
    public void fold() {}
}
