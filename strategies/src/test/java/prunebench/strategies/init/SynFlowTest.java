package prunebench.strategies.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.model.Network;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningTarget;

class SynFlowTest {
    // y = W2 W1 x on x = 1 (a 1x2x2 input flattened): dyadic weights, so every sum below is exact in float too.
    static final double[][] W1 = {{0.5, -1.0, 0.25, 2.0}, {-0.75, 0.5, -1.5, 0.125}, {1.0, 0.0, -0.5, 0.25}};
    static final double[][] W2 = {{1.0, -2.0, 0.5}, {-0.25, 0.75, -1.0}};

    static Network twoLayer(NDManager m, boolean batchNorm) {
        Network net = TestNets.sequential(m, new Shape(1, 2, 2), 2, () -> batchNorm
                ? new Block[] {Blocks.batchFlattenBlock(), Linear.builder().setUnits(3).optBias(false).build(),
                        BatchNorm.builder().build(), Linear.builder().setUnits(2).optBias(false).build()}
                : new Block[] {Blocks.batchFlattenBlock(), Linear.builder().setUnits(3).optBias(false).build(),
                        Linear.builder().setUnits(2).optBias(false).build()});
        set(net.layers().get(0).weight(), W1, 1);
        set(net.layers().get(1).weight(), W2, 1);
        return net;
    }

    static void set(Parameter p, double[][] w, double scale) {
        float[] flat = new float[w.length * w[0].length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[0].length; j++) {
                flat[i * w[0].length + j] = (float) (w[i][j] * scale);
            }
        }
        p.getArray().set(flat);
    }

    static double[] scores(Map<String, NDArray> scores, PruningTarget t) {
        return scores.get(t.name()).toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** SynFlow's rescaling: by the power of two that brings the largest expected score into [1, 2). */
    static double[] scaled(double[] expected, double max) {
        double f = Math.scalb(1.0, -Math.getExponent(max));
        double[] out = expected.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= f;
        }
        return out;
    }

    @Test
    void twoLayerLinearScoresAreWTimesTheAbsolutePathSums() {
        // R = 1'|W2||W1|1, dR/d|W1_ij| = sum_k |W2_ki|, dR/d|W2_ki| = sum_j |W1_ij|.
        double[] s1 = new double[12];
        double[] s2 = new double[6];
        for (int i = 0; i < 3; i++) {
            double col = 0;
            double row = 0;
            for (int k = 0; k < 2; k++) {
                col += Math.abs(W2[k][i]);
            }
            for (int j = 0; j < 4; j++) {
                row += Math.abs(W1[i][j]);
            }
            for (int j = 0; j < 4; j++) {
                s1[i * 4 + j] = Math.abs(W1[i][j]) * col;
            }
            for (int k = 0; k < 2; k++) {
                s2[k * 3 + i] = Math.abs(W2[k][i]) * row;
            }
        }
        assertEquals(2 * 2.875, s2[1]); // |W2_01| * (0.75 + 0.5 + 1.5 + 0.125), the largest
        assertEquals(1.5 * 2.75, s1[6]); // |W1_12| * (2 + 0.75)
        for (String precision : List.of("double", "float")) {
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = twoLayer(m, false);
                PruningContext c = TestNets.context(net, new SynFlow(), Map.of("precision", precision), null, 1, m);
                Map<String, NDArray> scores = new SynFlow().score(c);
                assertArrayEquals(scaled(s1, 5.75), scores(scores, c.targets().get(0)), 0, precision);
                assertArrayEquals(scaled(s2, 5.75), scores(scores, c.targets().get(1)), 0, precision);
                assertEquals(0.0, scores(scores, c.targets().get(0))[9], precision); // W1_21 = 0
            }
        }
    }

    @Test
    void batchNormRunningStatisticsEnterAsAbsoluteValuesAndNothingIsWritten() {
        double[] gamma = {-2.0, 0.5, 1.5};
        double[] beta = {0.25, -0.5, 0.125}; // float-exact, like every value here
        double[] mean = {-3.0, 1.0, 2.0};
        double[] var = {0.25, 4.0, 2.0};
        double eps = 1e-5f; // DJL's BatchNorm default, a float
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = twoLayer(m, true);
            setByType(net, Parameter.Type.GAMMA, gamma);
            setByType(net, Parameter.Type.BETA, beta);
            setByType(net, Parameter.Type.RUNNING_MEAN, mean);
            setByType(net, Parameter.Type.RUNNING_VAR, var);
            Map<String, int[]> before = bits(net);

            PruningContext c = TestNets.context(net, new SynFlow(), Map.of(), null, 1, m);
            Map<String, NDArray> scores = new SynFlow().score(c);

            // Eval-mode BN of |stats|: b_i = |g_i| (a_i - |mu_i|) / sqrt(|v_i| + eps) + |beta_i|, a_i = sum_j |W1_ij|.
            double[] s1 = new double[12];
            double[] s2 = new double[6];
            double[] bn = new double[3];
            double max = 0;
            for (int i = 0; i < 3; i++) {
                double a = 0;
                double col = 0;
                for (int j = 0; j < 4; j++) {
                    a += Math.abs(W1[i][j]);
                }
                for (int k = 0; k < 2; k++) {
                    col += Math.abs(W2[k][i]);
                }
                double scale = Math.abs(gamma[i]) / Math.sqrt(Math.abs(var[i]) + eps);
                double b = scale * (a - Math.abs(mean[i])) + Math.abs(beta[i]);
                bn[i] = b;
                for (int j = 0; j < 4; j++) {
                    s1[i * 4 + j] = Math.abs(W1[i][j]) * col * scale;
                    max = Math.max(max, s1[i * 4 + j]);
                }
                for (int k = 0; k < 2; k++) {
                    s2[k * 3 + i] = Math.abs(W2[k][i] * b);
                    max = Math.max(max, s2[k * 3 + i]);
                }
            }
            assertTrue(bn[2] < 0, "a_2 = 1.75 < |mean_2|: the unit's output is negative and W2 scores take |.|");
            assertArrayEquals(scaled(s1, max), scores(scores, c.targets().get(0)), 1e-12);
            assertArrayEquals(scaled(s2, max), scores(scores, c.targets().get(1)), 1e-12);
            assertBitsEqual(before, bits(net));
        }
    }

    @Test
    void doublePrecisionRanksWhereFloatOverflows() {
        // Both layers scaled by 2^70: R ~ 2^140 overflows float32 (max ~2^128) but not float64.
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = twoLayer(m, false);
            set(net.layers().get(0).weight(), W1, Math.scalb(1.0, 70));
            set(net.layers().get(1).weight(), W2, Math.scalb(1.0, 70));
            SynFlow s = new SynFlow();
            PruningContext asFloat = TestNets.context(net, s, Map.of("precision", "float"), null, 1, m);
            double[] f = scores(s.score(asFloat), asFloat.targets().get(1));
            assertFalse(Double.isFinite(f[1]), "float32 R overflows: " + f[1]);

            PruningContext asDouble = TestNets.context(net, s, Map.of(), null, 1, m);
            Map<String, NDArray> scores = s.score(asDouble);
            double[] d = scores(scores, asDouble.targets().get(1));
            // Same closed form as unscaled, times 2^140, then rescaled into [1, 2): identical to the unscaled scores.
            assertEquals(5.75 / 4, d[1]);
            assertEquals(0.25 * 3.75 / 4, d[3]); // |W2_10| * sum_j |W1_0j|
        }
    }

    static void setByType(Network net, Parameter.Type type, double[] values) {
        Parameter p = net.allParameters().values().stream().filter(x -> x.getType() == type).findFirst()
                .orElseThrow();
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        p.getArray().set(f);
    }

    static Map<String, int[]> bits(Network net) {
        Map<String, int[]> out = new java.util.LinkedHashMap<>();
        net.allParameters().forEach((n, p) -> {
            float[] v = p.getArray().toFloatArray();
            int[] b = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                b[i] = Float.floatToRawIntBits(v[i]);
            }
            out.put(n, b);
        });
        return out;
    }

    static void assertBitsEqual(Map<String, int[]> before, Map<String, int[]> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((n, b) -> assertArrayEquals(b, after.get(n), n));
    }
}
