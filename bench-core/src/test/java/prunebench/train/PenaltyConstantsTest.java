package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import prunebench.config.PenaltySpec;
import prunebench.model.Network;
import prunebench.testing.FreedMemory;

/**
 * Every penalty's gradient is the same whether or not the garbage collector freed and reused memory between the
 * forward and the backward pass: their constants outlive the backward pass ({@link GraphScalars}). Before, the
 * penalties' weights (x lambda, x mu / 2) were DJL's freed 0-dim tensors.
 */
class PenaltyConstantsTest {
    private static float[] gradient(NDManager manager, NDArray w, Function<NDManager, NDArray> value,
            boolean scribbled) {
        JniUtils.setGradMode(false);
        w.setRequiresGradient(true);
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray v = value.apply(scope);
            if (scribbled) {
                FreedMemory.scribble();
            }
            collector.backward(v);
            FreedMemory.release();
            try (NDArray grad = w.getGradient()) {
                return grad.toFloatArray();
            }
        }
    }

    private static void sameEitherWay(Function<NDManager, NDArray> w0, java.util.function.BiFunction<NDManager,
            NDArray, Function<NDManager, NDArray>> penalty) {
        float[] quiet;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = w0.apply(manager);
            quiet = gradient(manager, w, penalty.apply(manager, w), false);
        }
        for (int i = 0; i < 3; i++) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray w = w0.apply(manager);
                assertArrayEquals(quiet, gradient(manager, w, penalty.apply(manager, w), true));
            }
        }
    }

    private static NDArray weights(NDManager m) {
        return m.create(new float[] {3f, -1f, 0.5f, 2f, -0.25f, 0.05f});
    }

    @Test
    void lHalfSwdAndLcKeepTheirConstants() {
        sameEitherWay(PenaltyConstantsTest::weights, (m, w) -> new ModifiedHalfNorm(List.of(w), 0.3, 1)::value);
        sameEitherWay(PenaltyConstantsTest::weights, (m, w) -> s -> new SelectiveWeightDecay(List.of(w), 0.1, 1, 100,
                2).value(s, 1, 2));
        sameEitherWay(PenaltyConstantsTest::weights, (m, w) -> {
            LearningCompression lc = new LearningCompression(List.of(w), 0.1, 2, 2, 2);
            return s -> lc.value(s, 0, 4);
        });
        sameEitherWay(PenaltyConstantsTest::weights, (m, w) -> new JointSparsity(List.of(w), 0.5, 2, 0.1, 2)::value);
    }

    @Test
    void l1OnBatchNormAndGroupLassoKeepTheirWeight() {
        for (PenaltySpec spec : List.of(PenaltySpec.l1Bn(1e-4), PenaltySpec.groupLasso(0.01, "filters"))) {
            float[][] grads = new float[2][];
            for (int k = 0; k < 2; k++) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    Network net = PenaltyTest.tiny(manager);
                    String name = spec.name().equals(PenaltySpec.L1_BN) ? net.batchNormScales().get(0)
                            : net.layers().get(0).name();
                    NDArray p = net.allParameters().get(name).getArray();
                    p.set(new float[] {0.7f, -0.2f});
                    Penalty penalty = Penalty.of(spec, net);
                    grads[k] = gradient(manager, p, penalty::value, k == 1);
                }
            }
            assertArrayEquals(grads[0], grads[1], spec.name());
        }
    }
}
