package prunebench.strategies.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.model.Network;
import prunebench.prune.LearnedMask;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;
import prunebench.prune.StrategyRegistry;
import prunebench.train.TrainableParameter;

/**
 * {@code sparse_gates} (Srinivas et al. 2017) and {@code autoprune} (Xiao et al. 2019) on GatesTest's 2x2 weight
 * w = [1, -1, 0.5, 2]: forward values, the straight-through and AutoPrune gradients, the regularisers, the test-time
 * rules, worked by hand in the comments.
 */
class MaskLearningGatesTest {
    /** dL/dt for the gradient checks: the objective is sum(C x t), t the weight the forward pass sees. */
    private static final float[] C = {1, 2, 3, 4};

    /** The forward pass's weight at {@code step}, and the gradients of sum(C x t) on the gates and on w. */
    private static float[][] forward(WeightGates gates, Network net, String name, NDManager manager, long step) {
        JniUtils.setGradMode(false);
        NDArray aux = gates.aux(name);
        NDArray w = net.allParameters().get(name).getArray();
        if (!w.hasGradient()) {
            w.setRequiresGradient(true);
        }
        JniUtils.zeroGrad((PtNDArray) aux);
        JniUtils.zeroGrad((PtNDArray) w);
        float[] value;
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray t = gates.weight(name, w, scope, step);
            value = t.toFloatArray();
            collector.backward(t.mul(scope.create(C, new Shape(2, 2))).sum());
        }
        try (NDArray ga = aux.getGradient(); NDArray gw = w.getGradient()) {
            return new float[][] {value, ga.toFloatArray(), gw.toFloatArray()};
        }
    }

    private static float[] rest(float[] lossAndGradient) {
        return Arrays.copyOfRange(lossAndGradient, 1, 5);
    }

    @Test
    void sparseGatesSampleBernoulliPassTheGradientStraightThroughAndKeepAboveOneHalf() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            SparseGates s = new SparseGates();
            BernoulliGates gates = (BernoulliGates) s.gates(GatesTest.context(net, manager, s,
                    Map.of("lambda_bimodal", 2.0, "lambda_l1", 0.5), 1000, 10, 1));
            String w = GatesTest.hidden(net);
            assertArrayEquals(new float[] {0.9f, 0.9f, 0.9f, 0.9f}, gates.aux(w).toFloatArray(), 0f); // gate_init

            // g = 1 always samples 1, g = 0 never: t = w z = [1, 0, 0.5, 0]; straight through, dL/dg = C x w =
            // [1, -2, 1.5, 8] (also where z = 0: the gate of a dropped weight still learns); dL/dw = C x z =
            // [1, 0, 3, 0]
            GatesTest.setAux(gates, w, 1, 0, 1, 0);
            float[][] r = forward(gates, net, w, manager, 3);
            assertArrayEquals(new float[] {1, 0, 0.5f, 0}, r[0], 0f);
            assertArrayEquals(new float[] {1, -2, 1.5f, 8}, r[1], 1e-6f);
            assertArrayEquals(new float[] {1, 0, 3, 0}, r[2], 1e-6f);

            // z ~ Bernoulli(g): at g = 0.25 about a quarter of 4 x 500 draws are 1, redrawn identically for a step
            GatesTest.setAux(gates, w, 0.25f, 0.25f, 0.25f, 0.25f);
            double ones = 0;
            try (NDManager scope = manager.newSubManager()) {
                for (long step = 0; step < 500; step++) {
                    NDArray g = WeightGates.in(scope, gates.aux(w));
                    ones += gates.sample(scope, g, w, step).sum().getFloat();
                }
                assertArrayEquals(gates.sample(scope, gates.aux(w), w, 7).toFloatArray(),
                        gates.sample(scope, gates.aux(w), w, 7).toFloatArray(), 0f);
            }
            assertEquals(0.25, ones / 2000, 0.03);

            // g = [0.25, 0.5, 0.75, 1]: 2 x sum g (1 - g) = 2 x (0.1875 + 0.25 + 0.1875 + 0) = 1.25, plus
            // 0.5 x sum g = 1.25: 2.5; gradient 2 (1 - 2g) + 0.5 = [1.5, 0.5, -0.5, -1.5]
            GatesTest.setAux(gates, w, 0.25f, 0.5f, 0.75f, 1f);
            float[] loss = GatesTest.lossAndGradient(gates, w, manager, 0);
            assertEquals(2.5, loss[0], 1e-6);
            assertArrayEquals(new float[] {1.5f, 0.5f, -0.5f, -1.5f}, rest(loss), 1e-6f);

            // test time: kept where g > 0.5 (0.5 itself is not): w [g > 0.5] = [0, -1, 0.5, 0]
            GatesTest.setAux(gates, w, 0.5f, 0.51f, 0.9f, 0.2f);
            assertArrayEquals(new float[] {0, -1, 0.5f, 0}, forward(gates, net, w, manager, -1)[0], 0f);
            assertArrayEquals(new float[] {0, 1, 1, 0}, gates.ownKeep(manager).get(w).toFloatArray(), 0f);
            // scores: g + 1e-4 |w| / max |w| (max |w| = 2): ties at a clip bound go to the larger weight
            assertArrayEquals(new float[] {0.5f + 0.5e-4f, 0.51f + 0.5e-4f, 0.9f + 0.25e-4f, 0.2f + 1e-4f},
                    gates.scores(manager).get(w).toFloatArray(), 1e-7f);

            // clipped to [0, 1] after every step; the weights are not folded (w where kept)
            GatesTest.setAux(gates, w, 1.5f, -0.2f, 0.3f, 1f);
            gates.afterStep(0, 10);
            assertArrayEquals(new float[] {1, 0, 0.3f, 1}, gates.aux(w).toFloatArray(), 0f);
            gates.fold();
            assertArrayEquals(new float[] {1, -1, 0.5f, 2}, net.allParameters().get(w).getArray().toFloatArray(), 0f);
            assertTrue(gates.parameters().stream().noneMatch(TrainableParameter::decayed));
        }
    }

    @Test
    void autopruneMasksByTheStepFunctionAndMovesMBySignOfW() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = GatesTest.tiny(manager);
            AutoPrune a = new AutoPrune();
            String w = GatesTest.hidden(net);
            AuxiliaryMaskGates gates = gates(net, manager, a, Map.of("lambda", 0.1));
            assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f, 0.1f}, gates.aux(w).toFloatArray(), 0f); // mask_init

            // m = [0.5, -0.5, 0.2, -0.1]: h(m) = [1, 0, 1, 0], t = w h = [1, 0, 0.5, 0] (training and evaluation);
            // the paper's rule dL/dm = C x sgn(w) x 1 = [1, -2, 3, 4] (the masked m too: recoverable); the chain
            // rule's C x w would be [1, -2, 1.5, 8]; dL/dw = C x h = [1, 0, 3, 0]
            float[] m = {0.5f, -0.5f, 0.2f, -0.1f};
            GatesTest.setAux(gates, w, m);
            float[][] r = forward(gates, net, w, manager, 0);
            assertArrayEquals(new float[] {1, 0, 0.5f, 0}, r[0], 0f);
            assertArrayEquals(new float[] {1, -2, 3, 4}, r[1], 1e-6f);
            assertArrayEquals(new float[] {1, 0, 3, 0}, r[2], 1e-6f);
            assertArrayEquals(new float[] {1, 0, 0.5f, 0}, forward(gates, net, w, manager, -1)[0], 0f);

            // L1 regulariser: 0.1 x (0.5 + 0.5 + 0.2 + 0.1) = 0.13, gradient 0.1 sgn(m)
            float[] loss = GatesTest.lossAndGradient(gates, w, manager, 0);
            assertEquals(0.13, loss[0], 1e-6);
            assertArrayEquals(new float[] {0.1f, -0.1f, 0.1f, -0.1f}, rest(loss), 1e-6f);
            assertArrayEquals(new float[] {1, 0, 1, 0}, gates.ownKeep(manager).get(w).toFloatArray(), 0f);
            assertArrayEquals(m, gates.scores(manager).get(w).toFloatArray(), 0f);

            // m_gradient: weight is the chain rule, C x w; ste_slope 0.5 halves it where m <= 0: [1, -1, 3, 2]
            AuxiliaryMaskGates chain = gates(net, manager, a, Map.of("m_gradient", "weight"));
            GatesTest.setAux(chain, w, m);
            assertArrayEquals(new float[] {1, -2, 1.5f, 8}, forward(chain, net, w, manager, 0)[1], 1e-6f);
            AuxiliaryMaskGates leaky = gates(net, manager, a, Map.of("ste_slope", 0.5));
            GatesTest.setAux(leaky, w, m);
            assertArrayEquals(new float[] {1, -1, 3, 2}, forward(leaky, net, w, manager, 0)[1], 1e-6f);

            // weight_gradient: dense passes dL/dt to the masked weights too: C = [1, 2, 3, 4]
            AuxiliaryMaskGates dense = gates(net, manager, a, Map.of("weight_gradient", "dense"));
            GatesTest.setAux(dense, w, m);
            float[][] d = forward(dense, net, w, manager, 0);
            assertArrayEquals(new float[] {1, 0, 0.5f, 0}, d[0], 0f);
            assertArrayEquals(C, d[2], 1e-6f);

            // regularizer: mask is lambda x the kept count, 0.1 x 2, its gradient lambda h'(m) = 0.1 everywhere
            AuxiliaryMaskGates count = gates(net, manager, a, Map.of("lambda", 0.1, "regularizer", "mask"));
            GatesTest.setAux(count, w, m);
            float[] c = GatesTest.lossAndGradient(count, w, manager, 0);
            assertEquals(0.2, c[0], 1e-6);
            assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f, 0.1f}, rest(c), 1e-6f);

            gates.fold();
            assertArrayEquals(new float[] {1, -1, 0.5f, 2}, net.allParameters().get(w).getArray().toFloatArray(), 0f);
        }
    }

    private static AuxiliaryMaskGates gates(Network net, NDManager manager, AutoPrune a, Map<String, Object> given) {
        return (AuxiliaryMaskGates) a.gates(GatesTest.context(net, manager, a, given, 1000, 10, 1));
    }

    @Test
    void defaultsValidationAndRegistration() {
        Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
        expected.put("sparse_gates", Map.of("gate_init", 0.9, "lambda_bimodal", 1e-4, "lambda_l1", 1e-4,
                "threshold", 0.5, LearnedMask.LEARN_LR, 1e-3, LearnedMask.LEARN_EPOCHS, -1));
        expected.put("autoprune", Map.of("mask_init", 0.1, "lambda", 1e-3, "regularizer", "l1", "ste_slope", 1.0,
                "m_gradient", "sign", "weight_gradient", "masked", LearnedMask.LEARN_LR, 1e-3,
                LearnedMask.LEARN_EPOCHS, -1));
        StrategyRegistry registry = new StrategyRegistry();
        for (PruningStrategy s : List.of(new SparseGates(), new AutoPrune())) {
            assertEquals(expected.get(s.name()), s.parameterDefaults(), s.name());
            assertEquals(s.getClass(), registry.get(s.name()).getClass());
            s.validate(new StrategyOptions(s.name(), s.parameterDefaults(), Map.of()));
        }
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("gate_init", 0.0),
                Map.of("gate_init", 1.5), Map.of("lambda_l1", -1.0), Map.of("threshold", 1.0))) {
            SparseGates s = new SparseGates();
            assertThrows(ConfigException.class, () -> s.validate(new StrategyOptions(s.name(),
                    s.parameterDefaults(), bad)), bad.toString());
        }
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("mask_init", 0.0),
                Map.of("lambda", -1.0), Map.of("ste_slope", 2.0), Map.of("regularizer", "l2"),
                Map.of("m_gradient", "magnitude"), Map.of("weight_gradient", "none"))) {
            AutoPrune a = new AutoPrune();
            assertThrows(ConfigException.class, () -> a.validate(new StrategyOptions(a.name(),
                    a.parameterDefaults(), bad)), bad.toString());
        }
    }
}
