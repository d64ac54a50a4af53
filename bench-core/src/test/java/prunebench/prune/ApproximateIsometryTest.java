package prunebench.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import prunebench.model.LeNet5;
import prunebench.model.Network;

/** {@code init_scale: isometry}: spp-public's descent on ||(C W)(C W)^T - I||_F, one step by hand, then a network. */
class ApproximateIsometryTest {
    @Test
    void oneStepIsTheGradientOfTheFrobeniusNormMaskedAtTheReferencesRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            // W = [[1, 0.5], [0, 1]] (the 0 pruned): W W^T = [[1.25, 0.5], [0.5, 1]], A = [[0.25, 0.5], [0.5, 0]],
            // ||A||_F = sqrt(0.0625 + 0.25 + 0.25) = 0.75; A W = [[0.25, 0.625], [0.5, 0.25]];
            // gradient 2 A W / 0.75 = [[0.6666667, 1.6666667], [1.3333333, 0.6666667]], masked: [1, 0] -> 0;
            // W - 0.1 x gradient = [[0.9333333, 0.3333333], [0, 0.9333333]]
            NDArray w = m.create(new float[] {1f, 0.5f, 0f, 1f}, new Shape(2, 2));
            NDArray mask = m.create(new float[] {1f, 1f, 0f, 1f}, new Shape(2, 2));
            ApproximateIsometry.optimise(w, mask, 1, ApproximateIsometry.LR);
            assertArrayEquals(new float[] {0.9333333f, 0.3333333f, 0f, 0.9333333f}, w.toFloatArray(), 1e-6f);
            // a convolution's filters are its rows: a [2, 1, 1, 2] kernel is the same matrix, the same step
            NDArray k = m.create(new float[] {1f, 0.5f, 0f, 1f}, new Shape(2, 1, 1, 2));
            ApproximateIsometry.optimise(k, mask.reshape(2, 1, 1, 2), 1, ApproximateIsometry.LR);
            assertArrayEquals(new float[] {0.9333333f, 0.3333333f, 0f, 0.9333333f}, k.toFloatArray(), 1e-6f);
            assertEquals(10_000, ApproximateIsometry.STEPS);
        }
    }

    @Test
    void theDescentBringsEverySparseLayerNearIsometryAndKeepsItsZeros() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5(), new Shape(1, 28, 28), 10, m, 0);
            List<PruningTarget> targets = PruningTargets.of(net, true, true);
            try (MaskSet masks = MaskSet.dense(targets, m)) {
                for (PruningTarget t : targets) { // keep about half of every tensor, pseudo-randomly
                    float[] v = new float[Math.toIntExact(t.size())];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = kept(i) ? 1 : 0;
                    }
                    masks.set(t.name(), m.create(v, t.array().getShape()));
                }
                masks.apply();
                PruningTarget bias = targets.stream().filter(PruningTarget::isBias).findFirst().orElseThrow();
                float[] b = bias.array().toFloatArray();
                double[] before = distances(targets);
                // a tenth of the reference's steps (InitScale.ISOMETRY runs all 10,000: IsometryRunTest), to keep
                // the test short on a shared machine
                ApproximateIsometry.apply(masks, ApproximateIsometry.STEPS / 10, ApproximateIsometry.LR);
                double[] after = distances(targets);
                for (int l = 0; l < before.length; l++) {
                    if (before[l] >= 0) {
                        assertTrue(after[l] < 0.5 * before[l], l + ": " + before[l] + " -> " + after[l]);
                    }
                }
                assertArrayEquals(b, bias.array().toFloatArray(), "biases are left alone");
                for (PruningTarget t : targets) {
                    float[] w = t.array().toFloatArray();
                    for (int i = 0; i < w.length; i++) {
                        if (!kept(i)) {
                            assertEquals(0f, w[i], 0f, t.name() + " " + i);
                        }
                    }
                }
            }
        }
    }

    /**
     * A fixed pseudo-random half (Knuth's multiplicative hash): every row keeps its own columns, so a layer's rows
     * can become orthonormal (with the same columns in every row, fc2's 84 rows would share 60 and the distance
     * could not go below sqrt(24)).
     */
    private static boolean kept(int i) {
        return ((i * 2654435761L) >>> 9 & 1) == 0;
    }

    /** ||W W^T - I||_F of every weight tensor (rows: output units), -1 for biases. */
    private static double[] distances(List<PruningTarget> targets) {
        double[] out = new double[targets.size()];
        for (int l = 0; l < out.length; l++) {
            PruningTarget t = targets.get(l);
            if (t.isBias()) {
                out[l] = -1;
                continue;
            }
            int rows = (int) t.array().getShape().get(0);
            float[] w = t.array().toFloatArray();
            int cols = w.length / rows;
            double s = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    double d = 0;
                    for (int c = 0; c < cols; c++) {
                        d += (double) w[i * cols + c] * w[j * cols + c];
                    }
                    d -= i == j ? 1 : 0;
                    s += d * d;
                }
            }
            out[l] = Math.sqrt(s);
        }
        return out;
    }
}
