package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.model.LayerProduct;
import prunebench.model.Network;
import prunebench.prune.Gates;

/**
 * {@code sbp} and {@code bayesian_compression} gates on the tiny network (hidden weight [[1, -1], [0.5, 2]], (out,
 * in)): one gate per input neuron, i.e. per column; the KL at hand-set parameters, the test-time weights, the own
 * rule and the scores, each removing exactly its column.
 */
class BayesianGatesTest {
    private static final LayerProduct LINEAR = (x, w, b) -> Linear.linear(x, w, b).singletonOrThrow();

    private static Gates gates(NDManager manager, Network net, Object strategy, Map<String, Object> options) {
        var s = (prunebench.prune.LearnedMask) strategy;
        return s.gates(GatesTest.context(net, manager, s, options, 100, 10, 20));
    }

    private static void set(Gates g, String key, float... values) {
        NDArray current = g.state().get(key);
        g.loadState(Map.of(key, current.getManager().create(values, current.getShape())));
    }

    @Test
    void sbpGroupsAreInputNeuronsAndItsKlIsTheClosedForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            String name = GatesTest.hidden(net);
            Gates g = gates(manager, net, new StructuredBayesianPruning(), Map.of());
            assertEquals(new Shape(1, 2), g.state().get(name).getShape());
            assertEquals(new Shape(1, 2), g.state().get(name + "/sbp_log_sigma").getShape());
            // column 0: mu -2, sigma 2 (SNR 0.8266, pruned); column 1: mu 0.3, sigma 1 (SNR 2.3022, E 0.56383)
            set(g, name, -2f, 0.3f);
            set(g, name + "/sbp_log_sigma", (float) Math.log(2), 0f);
            try (NDManager scope = manager.newSubManager()) {
                // scipy: KL 1.2002003242824122 + 2.389171663189396, over N = 100
                assertEquals((1.2002003242824122 + 2.389171663189396) / 100, g.loss(scope, 0, 10).getFloat(), 1e-6);
                NDArray w = net.allParameters().get(name).getArray();
                float e = 0.5638311450642667f;
                assertArrayEquals(new float[] {0, -e, 0, 2 * e}, g.weight(name, w, scope, -1).toFloatArray(), 1e-5f);
            }
            assertArrayEquals(new float[] {0, 1, 0, 1}, g.ownKeep(manager).get(name).toFloatArray());
            assertArrayEquals(new float[] {0.82662946f, 2.3021720f, 0.82662946f, 2.3021720f},
                    g.scores(manager).get(name).toFloatArray(), 1e-5f);
            g.fold();
            float e0 = 0.18857341734506022f;
            float e1 = 0.5638311450642667f;
            assertArrayEquals(new float[] {e0, -e1, 0.5f * e0, 2 * e1},
                    net.allParameters().get(name).getArray().toFloatArray(), 1e-5f);
        }
    }

    /** The training samples are theta in (0, 1], with the truncated log-normal's mean (within 4 standard errors). */
    @Test
    void sbpSamplesHaveTheTruncatedMean() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            String name = GatesTest.hidden(net);
            SbpGates g = (SbpGates) gates(manager, net, new StructuredBayesianPruning(), Map.of());
            set(g, name, -1f, 0.3f);
            set(g, name + "/sbp_log_sigma", (float) Math.log(0.5), 0f);
            int n = 4000;
            double[] sum = new double[2];
            for (int step = 0; step < n; step++) {
                try (NDManager scope = manager.newSubManager()) {
                    float[] theta = g.sample(scope, name, step).toFloatArray();
                    for (int i = 0; i < 2; i++) {
                        assertTrue(theta[i] > 0 && theta[i] <= 1, "" + theta[i]);
                        sum[i] += theta[i];
                    }
                }
            }
            // scipy: E 0.39806875, Var 0.03364095 at (-1, 0.5); E 0.56383115, Var 0.05998223 at (0.3, 1)
            assertEquals(0.39806875, sum[0] / n, 4 * Math.sqrt(0.03364095 / n));
            assertEquals(0.56383115, sum[1] / n, 4 * Math.sqrt(0.05998223 / n));
        }
    }

    @Test
    void groupNjLogAlphaKlTestTimeWeightsAndRule() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            String name = GatesTest.hidden(net);
            Gates g = gates(manager, net, new BayesianCompression(), Map.of("threshold", 0.0));
            assertEquals(new Shape(1, 2), g.state().get(name).getShape());
            assertEquals(new Shape(2, 2), g.state().get(name + "/nj_weight_logvar").getShape());
            // z_mu 0.5, 2; z_logvar 0, log 0.4: log alpha = -log 0.25 = 1.3862943, log 0.1 = -2.3025851
            set(g, name, 0.5f, 2f);
            set(g, name + "/nj_z_logvar", 0f, (float) Math.log(0.4));
            set(g, name + "/nj_weight_logvar", (float) Math.log(0.5), (float) Math.log(0.5), (float) Math.log(0.5),
                    (float) Math.log(0.5));
            try (NDManager scope = manager.newSubManager()) {
                assertArrayEquals(new float[] {1.3862943f, -2.3025851f},
                        ((GroupNjGates) g).logAlpha(scope, name).toFloatArray(), 1e-5f);
                // groups: -sum(k1 sig(k2 + k3 la) - 0.5 log1p(e^-la) - k1) = 1.8472178; weights: 4 (0.5 ln 2 + 0.25
                // - 0.5) + 0.5 (1 + 1 + 0.25 + 4) = 3.5112944; over N = 100
                assertEquals(0.053585121937100695, g.loss(scope, 0, 10).getFloat(), 1e-7);
                NDArray w = net.allParameters().get(name).getArray();
                // column 0 (log alpha 1.39 >= 0) goes; column 1 is w z_mu = [-1, 2] x 2
                assertArrayEquals(new float[] {0, -2, 0, 4}, g.weight(name, w, scope, -1).toFloatArray(), 1e-6f);
            }
            assertArrayEquals(new float[] {0, 1, 0, 1}, g.ownKeep(manager).get(name).toFloatArray());
            assertArrayEquals(new float[] {-1.3862943f, 2.3025851f, -1.3862943f, 2.3025851f},
                    g.scores(manager).get(name).toFloatArray(), 1e-5f);
            g.fold();
            assertArrayEquals(new float[] {0.5f, -2, 0.25f, 4}, net.allParameters().get(name).getArray()
                    .toFloatArray(), 1e-6f);
        }
    }

    /** The reference's default threshold -3 removes both columns here; the tutorial's clip_var caps the variances. */
    @Test
    void groupNjDefaultThresholdAndClipVar() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            String name = GatesTest.hidden(net);
            Gates g = gates(manager, net, new BayesianCompression(), Map.of("clip_var", 0.04));
            set(g, name, 0.5f, 2f);
            set(g, name + "/nj_z_logvar", 0f, (float) Math.log(0.4));
            assertArrayEquals(new float[] {0, 0, 0, 0}, g.ownKeep(manager).get(name).toFloatArray());
            set(g, name + "/nj_weight_logvar", 0f, -1f, -5f, -9f);
            g.afterStep(0, 10);
            float cap = (float) Math.log(0.04); // -3.2188759
            assertArrayEquals(new float[] {cap, cap, -5f, -9f}, g.state().get(name + "/nj_weight_logvar")
                    .toFloatArray(), 1e-6f);
        }
    }
}
