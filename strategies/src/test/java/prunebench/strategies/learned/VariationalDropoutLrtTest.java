package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.model.LayerProduct;
import prunebench.model.Network;

/**
 * Sparse VD's local reparameterisation trick on a 2x2 Linear layer, W = [[1, -1], [0.5, 2]], b = (0.1, -0.2),
 * log sigma = [[-1, 0], [-0.5, 0.5]] (sigma^2 = [[e^-2, 1], [e^-1, e]]): mu = x W^T + b, var = (x * x) (sigma^2)^T,
 * output = mu + sqrt(var + 1e-8) eps with eps per example and output unit.
 */
class VariationalDropoutLrtTest {
    private static final LayerProduct LINEAR = (x, w, b) -> Linear.linear(x, w, b).singletonOrThrow();

    private static LogAlphaGates gates(Network net, NDManager manager) {
        VariationalDropout vd = new VariationalDropout();
        LogAlphaGates g = (LogAlphaGates) vd.gates(GatesTest.context(net, manager, vd, Map.of(), 1, 10, 200));
        GatesTest.setAux(g, GatesTest.hidden(net), -1, 0, -0.5f, 0.5f);
        return g;
    }

    private static NDArray weight(Network net) {
        NDArray w = net.allParameters().get(GatesTest.hidden(net)).getArray();
        w.set(new float[] {1, -1, 0.5f, 2});
        return w;
    }

    @Test
    void theOutputIsMuPlusSqrtVarTimesEpsWorkedByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            LogAlphaGates gates = gates(net, manager);
            String name = GatesTest.hidden(net);
            NDArray w = weight(net);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(new float[] {1, 2, 3, -1}, new Shape(2, 2));
                NDArray b = scope.create(new float[] {0.1f, -0.2f});
                float[] out = gates.output(name, x, w, b, LINEAR, scope, 7).toFloatArray();
                float[] eps = gates.outputNoise(scope, name, 7, new Shape(2, 2)).toFloatArray();
                // mu: (1, 2) -> (1 - 2 + 0.1, 0.5 + 4 - 0.2); (3, -1) -> (3 + 1 + 0.1, 1.5 - 2 - 0.2)
                double[] mu = {-0.9, 4.3, 4.1, -0.7};
                // var: x^2 = (1, 4) -> (e^-2 + 4, e^-1 + 4e); (9, 1) -> (9 e^-2 + 1, 9 e^-1 + e)
                double[] var = {4.135335, 11.241006, 2.218015, 6.029197};
                for (int i = 0; i < 4; i++) {
                    assertEquals(mu[i] + Math.sqrt(var[i] + 1e-8) * eps[i], out[i], 1e-5, "output " + i);
                }
                // the same step draws the same noise (a resumed run), another step other noise
                assertArrayEquals(out, gates.output(name, x, w, b, LINEAR, scope, 7).toFloatArray(), 0f);
                assertTrue(out[0] != gates.output(name, x, w, b, LINEAR, scope, 8).toFloatArray()[0]);
            }
        }
    }

    /**
     * The data term trains log sigma through the sampled output: d sum(out) / d log sigma_jk = sum_i eps_ij x_ik^2
     * sigma^2_jk / sqrt(var_ij + 1e-8).
     */
    @Test
    void theOutputsGradientReachesLogSigma() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            LogAlphaGates gates = gates(net, manager);
            String name = GatesTest.hidden(net);
            NDArray w = weight(net);
            JniUtils.setGradMode(false);
            JniUtils.zeroGrad((PtNDArray) gates.aux(name));
            float[] eps;
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray x = scope.create(new float[] {1, 2, 3, -1}, new Shape(2, 2));
                collector.backward(gates.output(name, x, w, null, LINEAR, scope, 7).sum());
                eps = gates.outputNoise(scope, name, 7, new Shape(2, 2)).toFloatArray();
            }
            double[][] x2 = {{1, 4}, {9, 1}};
            double[] s2 = {Math.exp(-2), 1, Math.exp(-1), Math.E};
            double[] var = {4.135335, 11.241006, 2.218015, 6.029197};
            float[] g = gates.aux(name).getGradient().toFloatArray();
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 2; k++) {
                    double expected = 0;
                    for (int i = 0; i < 2; i++) {
                        expected += eps[2 * i + j] * x2[i][k] * s2[2 * j + k] / Math.sqrt(var[2 * i + j] + 1e-8);
                    }
                    assertEquals(expected, g[2 * j + k], 1e-5, "d/d log sigma " + j + k);
                }
            }
        }
    }

    /**
     * 4000 copies of x = (1, 2) in one batch: under the LRT each example's output has mean mu and variance var and
     * neighbours are uncorrelated; under per-weight noise the whole batch shares one weight sample, so every example
     * gives the same output.
     */
    @Test
    void examplesOfOneBatchGetIndependentNoiseWithTheLayersVariance() {
        int n = 4000;
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            LogAlphaGates gates = gates(net, manager);
            String name = GatesTest.hidden(net);
            NDArray w = weight(net);
            try (NDManager scope = manager.newSubManager()) {
                float[] xs = new float[2 * n];
                for (int i = 0; i < n; i++) {
                    xs[2 * i] = 1;
                    xs[2 * i + 1] = 2;
                }
                NDArray x = scope.create(xs, new Shape(n, 2));
                NDArray b = scope.create(new float[] {0.1f, -0.2f});
                float[] lrt = gates.output(name, x, w, b, LINEAR, scope, 3).toFloatArray();
                double[] mu = {-0.9, 4.3};
                double[] var = {4.135335, 11.241006};
                for (int j = 0; j < 2; j++) {
                    double sum = 0;
                    double sq = 0;
                    for (int i = 0; i < n; i++) {
                        sum += lrt[2 * i + j];
                    }
                    double mean = sum / n;
                    for (int i = 0; i < n; i++) {
                        sq += (lrt[2 * i + j] - mean) * (lrt[2 * i + j] - mean);
                    }
                    assertEquals(mu[j], mean, 4 * Math.sqrt(var[j] / n), "mean " + j);
                    assertEquals(var[j], sq / (n - 1), 0.1 * var[j], "variance " + j); // sd of the estimate: 2.2%
                    // the correlation of examples 2i and 2i + 1 (sd 1 / sqrt(2000) = 0.022 if independent)
                    double cov = 0;
                    for (int i = 0; i + 1 < n; i += 2) {
                        cov += (lrt[2 * i + j] - mean) * (lrt[2 * (i + 1) + j] - mean);
                    }
                    double corr = cov / (n / 2.0) / (sq / (n - 1));
                    assertTrue(Math.abs(corr) < 0.1, "correlation " + corr);
                }
                // the per-weight estimator (the fallback for layers not built by Layers): one sample for the batch
                float[] perWeight = LINEAR.apply(x, gates.weight(name, w, scope, 3), b).toFloatArray();
                for (int i = 1; i < n; i++) {
                    assertEquals(perWeight[0], perWeight[2 * i], 0f);
                    assertEquals(perWeight[1], perWeight[2 * i + 1], 0f);
                }
            }
        }
    }

    /** At inference the layer sees W where log alpha < 3: log sigma 2 on W = -1 gives log alpha 4, pruned. */
    @Test
    void inferenceUsesTheThresholdedWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            LogAlphaGates gates = gates(net, manager);
            String name = GatesTest.hidden(net);
            NDArray w = weight(net);
            // log alpha: -2 - 0 = -2; 4 - 0 = 4; -1 + 1.386 = 0.386; 1 - 1.386 = -0.386
            GatesTest.setAux(gates, name, -1, 2, -0.5f, 0.5f);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(new float[] {1, 2, 3, -1}, new Shape(2, 2));
                NDArray b = scope.create(new float[] {0.1f, -0.2f});
                // x [[1, 0], [0.5, 2]]^T + b, noise-free
                assertArrayEquals(new float[] {1.1f, 4.3f, 3.1f, -0.7f},
                        gates.output(name, x, w, b, LINEAR, scope, -1).toFloatArray(), 1e-6f);
            }
        }
    }

    /**
     * The paper's Theano form (log_alpha_clip 3.5, variance alpha, train_clip): log sigma [[-1, 2], [-0.5, 0.5]] gives
     * log alpha (-2, 4, 0.386, -0.386); the clip makes 4 into 3.5, so that weight's variance is e^3.5 theta^2 =
     * e^3.5 rather than sigma^2 = e^4, and at 3.5 &gt;= 3 it leaves the training mean.
     */
    @Test
    void theTheanoFormClipsTheVarianceAndLeavesThresholdedWeightsOutOfTheMean() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            VariationalDropout vd = new VariationalDropout();
            LogAlphaGates gates = (LogAlphaGates) vd.gates(GatesTest.context(net, manager, vd,
                    Map.of("log_alpha_clip", 3.5, "variance", "alpha", "train_clip", true), 1, 10, 200));
            String name = GatesTest.hidden(net);
            GatesTest.setAux(gates, name, -1, 2, -0.5f, 0.5f);
            NDArray w = weight(net);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(new float[] {1, 2, 3, -1}, new Shape(2, 2));
                NDArray b = scope.create(new float[] {0.1f, -0.2f});
                float[] out = gates.output(name, x, w, b, LINEAR, scope, 7).toFloatArray();
                float[] eps = gates.outputNoise(scope, name, 7, new Shape(2, 2)).toFloatArray();
                double[] mu = {1.1, 4.3, 3.1, -0.7}; // x [[1, 0], [0.5, 2]]^T + b
                double[] s2 = {Math.exp(-2), Math.exp(3.5), Math.exp(-1), Math.E};
                double[] var = {s2[0] + 4 * s2[1], s2[2] + 4 * s2[3], 9 * s2[0] + s2[1], 9 * s2[2] + s2[3]};
                for (int i = 0; i < 4; i++) {
                    assertEquals(mu[i] + Math.sqrt(var[i] + 1e-8) * eps[i], out[i], 1e-4, "output " + i);
                }
            }
        }
    }

    /** The method's own rule: log alpha (-2, 4, 0.386, -0.386) against 3 keeps all but the second weight. */
    @Test
    void theOwnRuleKeepsLogAlphaBelowTheThreshold() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            LogAlphaGates gates = gates(net, manager);
            String name = GatesTest.hidden(net);
            weight(net);
            GatesTest.setAux(gates, name, -1, 2, -0.5f, 0.5f);
            Map<String, NDArray> keep = gates.ownKeep(manager);
            assertArrayEquals(new float[] {1, 0, 1, 1}, keep.get(name).toFloatArray(), 0f);
        }
    }
}
