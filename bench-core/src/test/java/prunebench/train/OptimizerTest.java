package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two steps of each optimizer against torch.optim's update rules worked by hand. */
class OptimizerTest {
    /** Sets w's gradient to c by backpropagating sum(w * c). */
    private static void gradient(NDManager m, NDArray w, float[] c) {
        JniUtils.zeroGrad((PtNDArray) w);
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            gc.backward(w.mul(m.create(c)).sum());
        }
    }

    private static Parameter param(NDManager m, float[] values) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(m.create(values))
                .build();

        p.getArray().setRequiresGradient(true);
        return p;
    }

    @Test
    void sgdWithMomentumAndWeightDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, new float[] {1f, -2f});
            try (Optimizer sgd = new Sgd(List.of(new TrainableParameter("w", p)), 0.9, false, 0.1)) {
                gradient(m, p.getArray(), new float[] {0.5f, 1f});
                sgd.step(0.1);
                // d = g + 0.1 w = (0.6, 0.8); buf = d; w = w - 0.1 d = (0.94, -2.08)
                assertArrayEquals(new float[] {0.94f, -2.08f}, p.getArray().toFloatArray(), 1e-6f);
                gradient(m, p.getArray(), new float[] {0.5f, 1f});
                sgd.step(0.1);
                // d = (0.594, 0.792); buf = 0.9 (0.6, 0.8) + d = (1.134, 1.512); w -= 0.1 buf
                assertArrayEquals(new float[] {0.94f - 0.1134f, -2.08f - 0.1512f}, p.getArray().toFloatArray(),
                        1e-6f);
            }
        }
    }

    @Test
    void sgdSkipsTheWeightDecayOfAParameterNotDecayed() {
        // torch: SGD([{params: w, weight_decay: 0.1}, {params: s}]); continuous sparsification's two optimizers
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, new float[] {1f});
            Parameter s = param(m, new float[] {1f});
            try (Optimizer sgd = new Sgd(List.of(new TrainableParameter("w", w),
                    new TrainableParameter("s", s, false)), 0.9, true, 0.1)) {
                gradient(m, w.getArray(), new float[] {0.5f});
                gradient(m, s.getArray(), new float[] {0.5f});
                sgd.step(0.1);
                // w: d = 0.5 + 0.1 = 0.6, buf = 0.6, nesterov d = 0.6 + 0.54 = 1.14, w = 1 - 0.114
                assertArrayEquals(new float[] {0.886f}, w.getArray().toFloatArray(), 1e-6f);
                // s: d = 0.5, buf = 0.5, d = 0.5 + 0.45 = 0.95, s = 1 - 0.095
                assertArrayEquals(new float[] {0.905f}, s.getArray().toFloatArray(), 1e-6f);
            }
            try (Optimizer adam = new Adam(List.of(new TrainableParameter("s", s, false)), 0.9, 0.999, 1e-8, 10)) {
                gradient(m, s.getArray(), new float[] {0.5f});
                adam.step(0.01); // Adam's first step is lr * sign(g) either way: its first moment is 0.1 g
                // m = 0.1 * 0.5 undecayed (decayed: 0.1 * (0.5 + 10 * 0.905) = 0.955)
                assertArrayEquals(new float[] {0.05f}, adam.state().get("adam_m/s").toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void sgdNesterov() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, new float[] {1f});
            try (Optimizer sgd = new Sgd(List.of(new TrainableParameter("w", p)), 0.5, true, 0)) {
                gradient(m, p.getArray(), new float[] {2f});
                sgd.step(0.1); // buf = 2; d = 2 + 0.5*2 = 3; w = 1 - 0.3 = 0.7
                assertArrayEquals(new float[] {0.7f}, p.getArray().toFloatArray(), 1e-6f);
                gradient(m, p.getArray(), new float[] {2f});
                sgd.step(0.1); // buf = 0.5*2 + 2 = 3; d = 2 + 1.5 = 3.5; w = 0.7 - 0.35
                assertArrayEquals(new float[] {0.35f}, p.getArray().toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void adamBiasCorrected() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, new float[] {1f});
            try (Optimizer adam = new Adam(List.of(new TrainableParameter("w", p)), 0.9, 0.999, 1e-8, 0)) {
                gradient(m, p.getArray(), new float[] {0.5f});
                adam.step(0.01); // first step moves by lr * g/|g| = 0.01 (up to eps)
                assertArrayEquals(new float[] {0.99f}, p.getArray().toFloatArray(), 1e-6f);
                gradient(m, p.getArray(), new float[] {-1f});
                adam.step(0.01);
                double mm = 0.9 * 0.05 + 0.1 * -1;           // -0.055
                double vv = 0.999 * 0.00025 + 0.001 * 1;     // 0.00124975
                double mhat = mm / (1 - 0.81);
                double vhat = vv / (1 - 0.998001);
                float expected = (float) (0.99 - 0.01 * mhat / (Math.sqrt(vhat) + 1e-8));
                assertArrayEquals(new float[] {expected}, p.getArray().toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void resetStateZeroesTheBuffersWhereTheMaskIsOneAndKeepsAdamsStepCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, new float[] {1f, -2f});
            try (Optimizer sgd = new Sgd(List.of(new TrainableParameter("w", p)), 0.9, false, 0)) {
                gradient(m, p.getArray(), new float[] {0.5f, 1f});
                sgd.step(0.1); // buf = d = g = (0.5, 1)
                sgd.resetState("w", m.create(new float[] {1f, 0f}));
                assertArrayEquals(new float[] {0f, 1f}, sgd.state().get("momentum/w").toFloatArray(), 0f);
            }
            Parameter q = param(m, new float[] {1f, -2f});
            try (Optimizer adam = new Adam(List.of(new TrainableParameter("w", q)), 0.9, 0.999, 1e-8, 0)) {
                gradient(m, q.getArray(), new float[] {0.5f, 1f});
                adam.step(0.01); // m = 0.1 g = (0.05, 0.1); v = 0.001 g^2 = (0.00025, 0.001); t = 1
                adam.resetState("w", m.create(new float[] {0f, 1f}));
                Map<String, NDArray> s = adam.state();
                assertArrayEquals(new float[] {0.05f, 0f}, s.get("adam_m/w").toFloatArray(), 1e-9f);
                assertArrayEquals(new float[] {0.00025f, 0f}, s.get("adam_v/w").toFloatArray(), 1e-11f);
                assertArrayEquals(new int[] {1}, s.get("adam_t/w").toIntArray());
            }
        }
    }

    @Test
    void adamRestoresAParameterOnlyFromItsMomentsAndStepCountTogether() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, new float[] {1f, -2f});
            try (Optimizer adam = new Adam(List.of(new TrainableParameter("w", p)), 0.9, 0.999, 1e-8, 0)) {
                gradient(m, p.getArray(), new float[] {0.5f, 1f});
                adam.step(0.01);
                Map<String, NDArray> saved = new HashMap<>();
                adam.state().forEach((k, v) -> saved.put(k, v.duplicate()));
                saved.remove("adam_t/w");
                adam.loadState(saved); // no step count: the parameter starts fresh
                assertTrue(adam.state().isEmpty(), adam.state().keySet().toString());
            }
        }
    }
}
