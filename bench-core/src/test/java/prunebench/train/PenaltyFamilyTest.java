package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** swd, l_half and lc on a hand-set tensor: values, gradients and schedules worked by hand. */
class PenaltyFamilyTest {
    private static float[] valueAndGradient(NDManager manager, NDArray w, Function<NDManager, NDArray> value) {
        JniUtils.setGradMode(false);
        w.setRequiresGradient(true);
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray v = value.apply(scope);
            collector.backward(v);
            float[] g;
            try (NDArray grad = w.getGradient()) {
                g = grad.toFloatArray();
            }
            float[] out = new float[g.length + 1];
            out[0] = v.getFloat();
            System.arraycopy(g, 0, out, 1, g.length);
            return out;
        }
    }

    @Test
    void selectiveWeightDecayPenalisesOutsideTheTopKWithAnExponentialImportance() {
        // the authors' get_a: a_min x (a_max / a_min)^(t / T), t from 0; the last step (t = T - 1) is short of a_max
        assertEquals(1, SelectiveWeightDecay.importance(1, 100, 0, 2), 1e-12);
        assertEquals(10, SelectiveWeightDecay.importance(1, 100, 1, 2), 1e-9);
        assertEquals(Math.pow(100, 2.0 / 3), SelectiveWeightDecay.importance(1, 100, 2, 3), 1e-9);
        assertEquals(0.1 * Math.pow(1e6, 0.25), SelectiveWeightDecay.importance(0.1, 1e5, 25, 100), 1e-9);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {3f, -1f, 0.5f, 2f});
            SelectiveWeightDecay swd = new SelectiveWeightDecay(List.of(w), 0.1, 1, 100, 2);
            // keep 2: |3|, |2| kept; -1 and 0.5 penalised: 0.1 x 10 / 2 x (1 + 0.25), gradient mu a w
            float[] r = valueAndGradient(manager, w, s -> swd.value(s, 1, 2));
            assertEquals(0.625f, r[0], 1e-6f);
            assertArrayEquals(new float[] {0f, -1f, 0.5f, 0f}, new float[] {r[1], r[2], r[3], r[4]}, 1e-6f);
        }
    }

    @Test
    void modifiedHalfNormIsSmoothInsideAAndTheSquareRootOutside() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {0f, 0.5f, 4f, -4f});
            ModifiedHalfNorm p = new ModifiedHalfNorm(List.of(w), 1, 1);
            // f(0) = sqrt(3/8); f(0.5) = sqrt(-0.0625/8 + 0.1875 + 0.375); f(+-4) = 2
            float[] r = valueAndGradient(manager, w, p::value);
            assertEquals(0.612372f + 0.744773f + 4f, r[0], 1e-5f);
            // f'(0) = 0; f'(0.5) = (-0.0625 + 0.75) / (2 x 0.744773); f'(+-4) = +-1/4
            assertArrayEquals(new float[] {0f, 0.461550f, 0.25f, -0.25f}, new float[] {r[1], r[2], r[3], r[4]},
                    1e-5f);
        }
    }

    @Test
    void learningCompressionAlternatesCStepsAndMultipliersOnItsMuSchedule() {
        assertEquals(0, LearningCompression.lStep(1, 4, 2));
        assertEquals(1, LearningCompression.lStep(2, 4, 2));
        assertEquals(1, LearningCompression.lStep(3, 4, 2));
        assertEquals(0.4, LearningCompression.mu(0.1, 2, 2), 1e-12);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {3f, -1f, 0.5f, 2f});
            try (LearningCompression lc = new LearningCompression(List.of(w), 0.1, 2, 2, 2)) {
                // direct compression: Theta = [3, 0, 0, 2], lambda = 0; mu_0 / 2 x (1 + 0.25)
                float[] r = valueAndGradient(manager, w, s -> lc.value(s, 0, 4));
                assertEquals(0.0625f, r[0], 1e-6f);
                assertArrayEquals(new float[] {0f, -0.1f, 0.05f, 0f}, new float[] {r[1], r[2], r[3], r[4]}, 1e-6f);
                // C step at mu_0: Theta unchanged, lambda = -0.1 (w - Theta) = [0, 0.1, -0.05, 0]; target Theta +
                // lambda / 0.2 = [3, 0.5, -0.25, 2]; 0.2 / 2 x (1.5^2 + 0.75^2)
                r = valueAndGradient(manager, w, s -> lc.value(s, 2, 4));
                assertEquals(0.28125f, r[0], 1e-6f);
                assertArrayEquals(new float[] {0f, 0.1f, -0.05f, 0f}, lc.multipliers().get(0).toFloatArray(), 1e-7f);
                assertArrayEquals(new float[] {3f, 0f, 0f, 2f}, lc.theta().get(0).toFloatArray(), 0f);
            }
        }
    }

    @Test
    void learningCompressionEndsWithTheCStepOfTheOffsetWeightsWrittenIntoThem() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {3f, -1.9f, 0.5f, 2f});
            try (LearningCompression lc = new LearningCompression(List.of(w), 0.1, 2, 2, 2)) {
                valueAndGradient(manager, w, s -> lc.value(s, 0, 4)); // Theta = [3, 0, 0, 2], lambda = 0
                // C step at mu_0: Theta unchanged, lambda = -0.1 (w - Theta) = [0, 0.19, -0.05, 0]; L step 1 at 0.2
                valueAndGradient(manager, w, s -> lc.value(s, 2, 4));
                assertArrayEquals(new float[] {0f, 0.19f, -0.05f, 0f}, lc.multipliers().get(0).toFloatArray(), 1e-7f);
                JniUtils.setGradMode(false);
                try (NDManager scope = manager.newSubManager()) {
                    lc.finish(scope);
                }
                // final C step: w - lambda / 0.2 = [3, -2.85, 0.75, 2]; its 2 largest |.| are 3 and -2.85 (Pi(w)
                // would have kept 3 and 2)
                assertArrayEquals(new float[] {3f, -2.85f, 0f, 0f}, w.toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void jointSparsityPenalisesOutsideTheTopKAndTrainsItsCoefficientByThePaperRule() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {3f, -1f, 0.5f, 2f});
            JointSparsity p = new JointSparsity(List.of(w), 0.5, 2, 0.1, 2);
            // keep 2: -1 and 0.5 penalised, R = 1.25; e^omega = 2: 2 x 1.25 - 0.5 ln 2; gradient 2 e^omega w
            float[] r = valueAndGradient(manager, w, p::value);
            assertEquals(2.153426f, r[0], 1e-5f);
            assertArrayEquals(new float[] {0f, -4f, 2f, 0f}, new float[] {r[1], r[2], r[3], r[4]}, 1e-5f);
            // omega = ln 2 - 0.1 (2 x 1.25 - 0.5) = 0.493147
            assertEquals(Math.exp(0.493147), p.coefficient(), 1e-6);
            r = valueAndGradient(manager, w, p::value);
            assertEquals(1.637462f * 1.25f - 0.5f * 0.493147f, r[0], 1e-5f);
            // 2 x 1.637462 w, added to the first step's gradient (w's gradient accumulates here)
            assertArrayEquals(new float[] {0f, -4f - 3.274924f, 2f + 1.637462f, 0f},
                    new float[] {r[1], r[2], r[3], r[4]}, 1e-5f);
            // below alpha / R the coefficient grows: omega += 0.1 (0.5 - 1.637462 x 1.25)
            assertEquals(Math.exp(0.493147 - 0.1 * (1.637462 * 1.25 - 0.5)), p.coefficient(), 1e-5);
        }
    }
}
