package prunebench.strategies.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.data.BatchLoader;
import prunebench.model.Network;
import prunebench.prune.PruningContext;
import prunebench.prune.Timing;

class SnipTest {
    static final double[][] W = {{0.3, -0.8, 0.5, 0.1}, {-0.4, 0.2, 0.9, -0.6}, {0.7, 0.05, -0.3, 0.25}};

    @Test
    void softmaxRegressionScoresAreTheClosedFormGradientTimesTheWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One Linear layer without bias on a flattened 1x2x2 input: logits = W x.
            Network net = TestNets.sequential(m, new Shape(1, 2, 2), 3,
                    () -> new Block[] {Blocks.batchFlattenBlock(),
                            Linear.builder().setUnits(3).optBias(false).build()});
            SynFlowTest.set(net.layers().get(0).weight(), W, 1);
            float[] w = net.layers().get(0).weight().getArray().toFloatArray();
            BatchLoader data = TestNets.tinyData(6, 3);
            PruningContext c = TestNets.context(net, new Snip(), Map.of("batches", 2), data, 3, m);
            Map<String, NDArray> scores = new Snip().score(c);

            // dL/dW of the mean cross-entropy is (1/N) sum_n (softmax(W x_n) - onehot(y_n)) x_n'; the batches' losses
            // are summed, as Synaptic-Flow's SNIP does.
            double[] g = new double[12];
            List<BatchLoader.Batch> batches = c.batches(2, 3);
            assertEquals(2, batches.size());
            for (BatchLoader.Batch b : batches) {
                float[] x = b.images().toFloatArray();
                long[] y = b.labels().toLongArray();
                for (int n = 0; n < y.length; n++) {
                    double[] z = new double[3];
                    double zmax = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 4; j++) {
                            z[i] += w[i * 4 + j] * (double) x[n * 4 + j];
                        }
                        zmax = Math.max(zmax, z[i]);
                    }
                    double sum = 0;
                    for (int i = 0; i < 3; i++) {
                        sum += Math.exp(z[i] - zmax);
                    }
                    for (int i = 0; i < 3; i++) {
                        double p = Math.exp(z[i] - zmax) / sum - (y[n] == i ? 1 : 0);
                        for (int j = 0; j < 4; j++) {
                            g[i * 4 + j] += p * x[n * 4 + j] / y.length;
                        }
                    }
                }
            }
            double[] expected = new double[12];
            double max = 0;
            for (int k = 0; k < 12; k++) {
                expected[k] = Math.abs(g[k] * w[k]);
                max = Math.max(max, expected[k]);
            }
            assertTrue(max > 1e-2, "a non-trivial gradient: " + max);
            float[] actual = scores.get(c.targets().get(0).name()).toFloatArray();
            double[] a = new double[12];
            for (int k = 0; k < 12; k++) {
                a[k] = actual[k];
            }
            assertArrayEquals(expected, a, 1e-6 * max);
        }
    }

    @Test
    void theThreeScoresPruneAtInitGloballyWithThePapersDefaults() {
        for (prunebench.prune.PruningStrategy s : List.of(new Snip(), new Grasp(), new SynFlow())) {
            assertEquals(Timing.INIT, s.defaultTiming(), s.name());
            assertEquals(prunebench.prune.Distribution.GLOBAL, s.defaultDistribution(), s.name());
        }
        assertEquals("auto", new Snip().parameterDefaults().get("batches"));
        assertEquals("auto", new Grasp().parameterDefaults().get("batches"));
        // As their references: snip-public and Synaptic-Flow score SNIP in evaluation mode, GraSP's code in training.
        assertEquals(false, new Snip().parameterDefaults().get("train_mode"));
        assertEquals(true, new Grasp().parameterDefaults().get("train_mode"));
        assertEquals(200, new Grasp().parameterDefaults().get("temperature"));
        assertEquals(100, new SynFlow().parameterDefaults().get("iterations"));
        assertEquals("double", new SynFlow().parameterDefaults().get("precision"));
        // Registered in META-INF/services, found by name.
        prunebench.prune.StrategyRegistry registry = new prunebench.prune.StrategyRegistry();
        assertTrue(registry.get("snip") instanceof Snip && registry.get("grasp") instanceof Grasp
                && registry.get("synflow") instanceof SynFlow);
    }
}
