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
}
