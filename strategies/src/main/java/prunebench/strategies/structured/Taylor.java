package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.train.CrossEntropy;

/**
 * First-order Taylor importance of channels (Molchanov et al. 2019, "Importance estimation for neural network
 * pruning", with the per-layer normalisation of Molchanov et al. 2017, "Pruning convolutional neural networks for
 * resource efficient inference"): the squared first-order change of the loss when a channel's gate goes from 1 to
 * 0, (dL/dgate)^2, computed on each of {@code batches} training batches (30, the reference's {@code frequency}) and
 * averaged; then, with {@code normalize: l2} (default), divided by the L2 norm of its layer's scores so that one
 * global ranking compares layers (2017, eq. 6). The gate sits where NVlabs/Taylor_pruning's {@code GateLayer} does:
 * after the BatchNorm when there is one, dL/dgate = gamma dL/dgamma + beta dL/dbeta; otherwise after the layer,
 * dL/dgate = sum over the filter of w dL/dw + b dL/db, the (sum_s g_s w_s)^2.
 *
 * <p>Where the two papers and the code differ: the 2017 paper scores activations (|mean of a * dL/da|) and
 * normalises by L2; the 2019 paper and code score gates (method 22) and do not normalise by default
 * ({@code l2_normalization_per_layer: False}; {@code normalize: none} here). The code's weight-level method 0 sums
 * the squares per weight, sum_s (g_s w_s)^2, not the square of the sum. The unstructured first-order Taylor score
 * |g * w| of each weight is {@code global_gradient} / {@code layer_gradient}.
 *
 * <p>Iterative use, the papers' procedure (remove some channels, fine-tune, repeat): {@code iterations: n} with
 * {@code steps_between: m} prunes to compression^(k/n), trains m steps of the fine-tuning schedule, and so on; after
 * the n-th prune the whole fine-tuning follows. The papers remove a fixed number of channels every few steps
 * (2017: one per 10 updates; 2019: 100 per 30 minibatches, scores accumulated during fine-tuning), here the rounds
 * follow the exponential schedule and the scores are taken on their own batches. The 2019 procedure as its code runs
 * it (scores from the fine-tuning batches, momentum between steps, no normalisation) is {@link TaylorMolchanov2019},
 * {@code taylor_molchanov2019}, the form for a paper's protocol; this one-shot form with {@code normalize: l2} is
 * neither paper's procedure.
 */
public final class Taylor implements StructuredStrategy {
    static final String BATCHES = "batches";
    static final String NORMALIZE = "normalize";

    @Override
    public String name() {
        return "taylor";
    }

    @Override
    public String description() {
        return "channels by the squared first-order Taylor change of the loss at their gate (Molchanov et al.), "
                + "L2-normalised per layer, one global ranking";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(BATCHES, 30);
        d.put(NORMALIZE, "l2");
        d.put(STEPS_BETWEEN, 0);
        return Map.copyOf(d);
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        if (options.getInt(BATCHES) < 1) {
            throw new ConfigException(BATCHES + " must be >= 1, got " + options.getInt(BATCHES));
        }
        String n = options.getString(NORMALIZE);
        if (!n.equals("l2") && !n.equals("none")) {
            throw new ConfigException(NORMALIZE + " must be 'l2' or 'none', got '" + n + "'");
        }
        int between = options.getInt(STEPS_BETWEEN);
        if (between < 0) {
            throw new ConfigException(STEPS_BETWEEN + " must be >= 0, got " + between);
        }
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        List<BatchLoader.Batch> data = context.batches(context.options().getInt(BATCHES), context.batchSize());
        Map<String, double[]> sums = new LinkedHashMap<>();
        groups.forEach(g -> sums.put(g.name(), new double[g.channels()]));
        for (BatchLoader.Batch batch : data) {
            zeroGradients(context);
            try (GradientCollector collector = context.manager().getEngine().newGradientCollector()) {
                collector.backward(CrossEntropy.loss(context.forward(batch.images(), true), batch.labels()));
            }
            for (ChannelGroup g : groups) {
                double[] gate = gateGradient(context, g);
                double[] sum = sums.get(g.name());
                for (int c = 0; c < gate.length; c++) {
                    sum[c] += gate[c] * gate[c];
                }
            }
        }
        zeroGradients(context);
        boolean l2 = context.options().getString(NORMALIZE).equals("l2");
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            out.put(g.name(), normalized(sums.get(g.name()), data.size(), l2));
        }
        return out;
    }

    /** Mean over the batches, then (with {@code l2}) divided by the layer's L2 norm plus 1e-8 as the reference. */
    static float[] normalized(double[] sums, int batches, boolean l2) {
        double norm = 0;
        double[] mean = new double[sums.length];
        for (int c = 0; c < sums.length; c++) {
            mean[c] = sums[c] / batches;
            norm += mean[c] * mean[c];
        }
        double divisor = l2 ? Math.sqrt(norm) + 1e-8 : 1;
        float[] out = new float[sums.length];
        for (int c = 0; c < sums.length; c++) {
            out[c] = (float) (mean[c] / divisor);
        }
        return out;
    }

    /** dL/dgate of every channel of {@code g} from the gradients of this batch. */
    private static double[] gateGradient(PruningContext context, ChannelGroup g) {
        if (g.norm() != null) {
            double[] gate = products(context, g.norm().gamma(), g.channels());
            double[] beta = products(context, g.norm().beta(), g.channels());
            for (int c = 0; c < gate.length; c++) {
                gate[c] += beta[c];
            }
            return gate;
        }
        double[] gate = products(context, g.name(), g.channels());
        if (g.bias() != null) {
            double[] bias = products(context, g.bias(), g.channels());
            for (int c = 0; c < gate.length; c++) {
                gate[c] += bias[c];
            }
        }
        return gate;
    }

    /** Per output channel (row), the sum of w * dL/dw of parameter {@code name}. */
    static double[] products(PruningContext context, String name, int channels) {
        NDArray w = context.network().allParameters().get(name).getArray();
        float[] weights = w.toType(DataType.FLOAT32, false).toFloatArray();
        float[] grads;
        try (NDArray g = w.getGradient()) {
            grads = g.toType(DataType.FLOAT32, false).toFloatArray();
        }
        return rowSums(weights, grads, channels);
    }

    static double[] rowSums(float[] weights, float[] grads, int rows) {
        int size = weights.length / rows;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = r * size; i < (r + 1) * size; i++) {
                s += (double) weights[i] * grads[i];
            }
            out[r] = s;
        }
        return out;
    }

    private static void zeroGradients(PruningContext context) {
        List<NDArray> arrays = new ArrayList<>();
        context.network().trainableParameters().values().forEach(p -> arrays.add(p.getArray()));
        arrays.forEach(a -> JniUtils.zeroGrad((PtNDArray) a));
    }
}
