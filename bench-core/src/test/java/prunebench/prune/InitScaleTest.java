package prunebench.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import prunebench.model.LeNet5;
import prunebench.model.Network;

/** {@code init_scale: sparse} multiplies each masked weight tensor by 1/sqrt(its density), and nothing else. */
class InitScaleTest {
    @Test
    void sparseScaleDividesEachMaskedWeightTensorBySqrtOfItsDensity() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, m, 0);
            List<PruningTarget> targets = PruningTargets.of(net, false, true);
            try (MaskSet masks = MaskSet.dense(targets, m)) {
                // conv1 keeps a quarter (every 4th entry), conv2 stays full, conv1's bias keeps half.
                PruningTarget conv1 = targets.get(0);
                PruningTarget bias = targets.stream().filter(PruningTarget::isBias).findFirst().orElseThrow();
                PruningTarget full = targets.stream().filter(t -> !t.isBias() && t != conv1).findFirst()
                        .orElseThrow();
                masks.set(conv1.name(), pattern(m, conv1, 4));
                masks.set(bias.name(), pattern(m, bias, 2));
                bias.array().set(new float[Math.toIntExact(bias.size())]);
                bias.array().addi(0.5f);
                masks.apply();
                float[] w = conv1.array().toFloatArray();
                float[] b = bias.array().toFloatArray();
                float[] f = full.array().toFloatArray();

                InitScale.DENSE.apply(masks);
                assertArrayEquals(w, conv1.array().toFloatArray());

                InitScale.SPARSE.apply(masks);
                float[] scaled = conv1.array().toFloatArray();
                double factor = Math.sqrt((double) conv1.size() / masks.kept(conv1.name())); // 2
                assertEquals(Math.sqrt(150.0 / 38), factor, 1e-12);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i] * factor, scaled[i], 1e-6 * Math.abs(w[i] * factor) + 1e-12);
                }
                assertArrayEquals(b, bias.array().toFloatArray(), "biases are not scaled");
                assertArrayEquals(f, full.array().toFloatArray(), "a full tensor is not scaled");
            }
        }
    }

    /** A 0/1 mask keeping every {@code every}-th entry (conv1 has 150 entries: 38 kept of 150 for 4). */
    private static NDArray pattern(NDManager m, PruningTarget t, int every) {
        float[] v = new float[Math.toIntExact(t.size())];
        for (int i = 0; i < v.length; i += every) {
            v[i] = 1;
        }
        return m.create(v, t.array().getShape());
    }
}
