package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;
import prunebench.config.PenaltySpec;
import prunebench.model.CifarResNet;
import prunebench.model.Network;
import prunebench.testing.FreedMemory;

/** VACL (Gao et al. 2019) on a hand-made cross-layer group: value and gradient by hand. */
class VarianceAwareCrossLayerTest {
    @Test
    void meanPlusVarianceWeightTimesPopulationVarianceOfTheGroupsFilterNorms() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // layer a: filters [3, 4] (norm 5) and [1, 0] (norm 1); layer b (a conv, 2x1x1x2): [0, 1] (norm 1) and
            // [0, 2] (norm 2). A residual addition ties a's filter 0 with b's filter 0 (filters 0 and 2 of the
            // producers' rows in order); a's filter 1 and b's filter 1 are groups of their own.
            NDArray a = manager.create(new float[] {3f, 4f, 1f, 0f}, new Shape(2, 2));
            NDArray b = manager.create(new float[] {0f, 1f, 0f, 2f}, new Shape(2, 1, 1, 2));
            VarianceAwareCrossLayer p = new VarianceAwareCrossLayer(List.of(a, b),
                    List.of(new int[] {0, 2}, new int[] {1}, new int[] {3}), 0.1, 0.5);
            JniUtils.setGradMode(false);
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray v = p.value(scope);
                FreedMemory.scribble(); // the constants must outlive the backward pass
                collector.backward(v);
                FreedMemory.release();
                // tied group: norms 5 and 1, mu 3, sigma^2 = ((5-3)^2 + (1-3)^2) / 2 = 4 (not the sample
                // variance 8, not the deviation 2); groups of one: mu 1 and 2, sigma^2 0.
                // 0.1 x (3 + 0.5 x 4 + 1 + 2) = 0.8
                assertEquals(0.8f, v.getFloat(), 1e-6f);
                try (NDArray ga = a.getGradient(); NDArray gb = b.getGradient()) {
                    // weight x (1 + 2 x variance_weight x (n - mu)) / M x w / n:
                    // a0: 0.1 x (1 + 2) / 2 x [0.6, 0.8] = [0.09, 0.12]; a1: 0.1 x [1, 0]
                    assertArrayEquals(new float[] {0.09f, 0.12f, 0.1f, 0f}, ga.toFloatArray(), 1e-6f);
                    // b0: 0.1 x (1 - 2) / 2 x [0, 1] = [0, -0.05] (pulled up toward its group's mean);
                    // b1: 0.1 x [0, 1]
                    assertArrayEquals(new float[] {0f, -0.05f, 0f, 0.1f}, gb.toFloatArray(), 1e-6f);
                }
            }
            p.close();
        }
    }

    @Test
    void withoutResidualAdditionsEveryFilterIsItsOwnGroupAndTheTermIsGroupLassoOverFilters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = PenaltyTest.tiny(manager);
            try (Penalty vacl = Penalty.of(PenaltySpec.of(PenaltySpec.VACL, 0.01, java.util.Map.of("variance_weight",
                    3.0)), net); NDManager scope = manager.newSubManager()) {
                float v = vacl.value(scope).getFloat();
                float lasso = Penalty.of(PenaltySpec.groupLasso(0.01, "filters"), net).value(scope).getFloat();
                assertEquals(lasso, v, 1e-6f);
            }
        }
    }

    @Test
    void onResnet8TheTiedStreamFiltersFormOneGroup() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet(8), new Shape(3, 8, 8), 10, manager, 0);
            // every weight to 0 but the stem's filter 0 (norm 1): it shares a group with stage 1's, 2's and 3's
            // conv2 filters 0, 8 and 24 (norms 0), so mu = 1/4 and sigma^2 = ((3/4)^2 + 3 x (1/4)^2) / 4 = 3/16:
            // 0.1 x (1/4 + 2 x 3/16) = 0.0625. Alone (no ties) it would be 0.1 x 1.
            for (var layer : net.layers()) {
                NDArray w = layer.weight().getArray();
                float[] zeros = new float[Math.toIntExact(w.size())];
                if (layer == net.layers().get(0)) {
                    zeros[0] = 1f;
                }
                w.set(java.nio.FloatBuffer.wrap(zeros));
            }
            try (Penalty vacl = Penalty.of(PenaltySpec.of(PenaltySpec.VACL, 0.1, java.util.Map.of("variance_weight",
                    2.0)), net); NDManager scope = manager.newSubManager()) {
                assertEquals(0.0625f, vacl.value(scope).getFloat(), 1e-4f); // 240 filters at norm 1e-6 add 2.4e-5
            }
        }
    }
}
