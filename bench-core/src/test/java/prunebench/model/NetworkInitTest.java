package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkInitTest {
    private static final Shape CIFAR = new Shape(3, 32, 32);

    @Test
    void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network a = Network.create(new CifarResNet.ResNet20(), CIFAR, 10, manager, 11);
            Network b = Network.create(new CifarResNet.ResNet20(), CIFAR, 10, manager, 11);
            Network c = Network.create(new CifarResNet.ResNet20(), CIFAR, 10, manager, 12);
            assertEquals(a.allParameters().keySet(), b.allParameters().keySet());
            for (Map.Entry<String, ai.djl.nn.Parameter> e : a.allParameters().entrySet()) {
                assertArrayEquals(e.getValue().getArray().toFloatArray(),
                        b.allParameters().get(e.getKey()).getArray().toFloatArray(), 0f, e.getKey());
            }
            for (PrunableLayer layer : a.layers()) {
                assertFalse(Arrays.equals(layer.weight().getArray().toFloatArray(),
                        c.allParameters().get(layer.name()).getArray().toFloatArray()), layer.name());
            }
        }
    }

    @Test
    void resnetWeightsAreKaimingNormal() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), CIFAR, 10, manager, 1);
            // The last conv of stage 3: 64*64*9 = 36,864 draws from N(0, 2/576); the sample std is within 1%.
            float[] w = net.layers().get(18).weight().getArray().toFloatArray();
            double mean = 0;
            double sq = 0;
            for (float v : w) {
                mean += v;
                sq += (double) v * v;
            }
            mean /= w.length;
            double std = Math.sqrt(sq / w.length - mean * mean);
            assertEquals(Math.sqrt(2.0 / 576), std, 0.01 * Math.sqrt(2.0 / 576));
            assertEquals(0, mean, 0.002);
        }
    }

    /**
     * SNIP's TF 1.x init: weights and biases from truncated_normal(0, sqrt(1/n)) without the TF 1.13 correction, so
     * nothing beyond 2 sqrt(1/n), and the standard deviation is 0.8796 sqrt(1/n) (the truncated normal's, by its
     * closed form sqrt(1 - 2 phi(2) / (Phi(2) - Phi(-2))) = 0.87963); n is the fan in, and a bias's own length.
     */
    @Test
    void tfVarianceScalingIsAnUncorrectedTruncatedNormalOnWeightsAndBiases() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet300100Tf(), new Shape(1, 28, 28), 10, manager, 3);
            PrunableLayer fc1 = net.layers().get(0);
            float[] w = fc1.weight().getArray().toFloatArray(); // 235,200 draws, n = 784
            assertStd(w, 0.87963 * Math.sqrt(1.0 / 784), 0.01);
            assertWithin(w, 2 * Math.sqrt(1.0 / 784));
            float[] b = fc1.bias().getArray().toFloatArray(); // 300 draws, n = 300: not zero
            assertStd(b, 0.87963 * Math.sqrt(1.0 / 300), 0.12);
            assertWithin(b, 2 * Math.sqrt(1.0 / 300));
            float[] b3 = net.layers().get(2).bias().getArray().toFloatArray(); // the classifier's 10, n = 10
            assertWithin(b3, 2 * Math.sqrt(1.0 / 10));
            assertFalse(Arrays.equals(new float[10], b3));
        }
    }

    /**
     * The lottery ticket code's init: truncated_normal(0, sqrt(1.3 / n)), n = (fan_in + fan_out) / 2, biases 0. The
     * draws' standard deviation is 0.87963 x sqrt(1.3 / n) (the truncation, as above): fc1 n = (784 + 300) / 2 = 542,
     * fc3 n = (100 + 10) / 2 = 55; a fan-in formula would give fc1 sqrt(1.3 / 784), 17% smaller.
     */
    @Test
    void tfXavierNormalAveragesTheFansAndZeroesTheBiases() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet300100Lottery(), new Shape(1, 28, 28), 10, manager, 3);
            float[] w1 = net.layers().get(0).weight().getArray().toFloatArray();
            assertStd(w1, 0.87963 * Math.sqrt(1.3 / 542), 0.01);
            assertWithin(w1, 2 * Math.sqrt(1.3 / 542));
            float[] w3 = net.layers().get(2).weight().getArray().toFloatArray(); // 1,000 draws
            assertStd(w3, 0.87963 * Math.sqrt(1.3 / 55), 0.06);
            assertWithin(w3, 2 * Math.sqrt(1.3 / 55));
            for (PrunableLayer l : net.layers()) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(new float[(int) l.bias().getArray().size()],
                        l.bias().getArray().toFloatArray());
            }
        }
    }

    private static void assertStd(float[] values, double expected, double relative) {
        double sq = 0;
        for (float v : values) {
            sq += (double) v * v;
        }
        assertEquals(expected, Math.sqrt(sq / values.length), relative * expected);
    }

    private static void assertWithin(float[] values, double bound) {
        for (float v : values) {
            org.junit.jupiter.api.Assertions.assertTrue(Math.abs(v) <= bound * (1 + 1e-6), v + " beyond " + bound);
        }
    }
}
