package prunebench.strategies.penalty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.config.ConfigException;
import prunebench.config.PenaltySpec;
import prunebench.prune.PenalizedStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.train.Penalty;

/**
 * l_half, swd and lc with their YAML defaults, through bench-core's penalty on a hand-set tensor: values, gradients,
 * the a and mu schedules at given steps and lc's C steps, worked by hand (float64, the penalty computes in float32).
 */
class PenaltyStrategiesTest {
    private static StrategyOptions defaults(PenalizedStrategy s) {
        return new StrategyOptions(s.name(), s.parameterDefaults(), Map.of());
    }

    private static Penalty penalty(PenalizedStrategy s, Map<String, Object> given, NDArray w, long keep) {
        StrategyOptions o = new StrategyOptions(s.name(), s.parameterDefaults(), given);
        s.validate(o);
        PenaltySpec spec = s.penalty(o);
        if (spec.needsKeep()) {
            spec = spec.withKeep(keep);
        }
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(w).build();
        return Penalty.of(spec, null, List.of(new PruningTarget("w", p, null)));
    }

    /** The penalty's value at step {@code step} of {@code total}, then its gradient on {@code w}. */
    private static float[] valueAndGradient(NDManager manager, NDArray w, Penalty p, long step, long total) {
        JniUtils.setGradMode(false);
        w.setRequiresGradient(true);
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray v = p.value(scope, step, total);
            collector.backward(v);
            float[] g;
            try (NDArray grad = w.getGradient()) {
                g = grad.toFloatArray();
                grad.muli(0); // backward accumulates: the next call's gradient starts at zero
            }
            float[] out = new float[g.length + 1];
            out[0] = v.getFloat();
            System.arraycopy(g, 0, out, 1, g.length);
            return out;
        }
    }

    private static void assertValueAndGradient(double value, double[] gradient, float[] actual) {
        assertEquals(value, actual[0], Math.abs(value) * 1e-5, "value");
        for (int i = 0; i < gradient.length; i++) {
            assertEquals(gradient[i], actual[i + 1], Math.abs(gradient[i]) * 1e-4 + 1e-9, "gradient " + i);
        }
    }

    @Test
    void theDefaultsAreTheAuthorsAndMapOntoTheirPenalties() {
        PenaltySpec l = new ModifiedL12Pruning().penalty(defaults(new ModifiedL12Pruning()));
        assertEquals(PenaltySpec.of(PenaltySpec.L_HALF, 1e-4, Map.of("a", 0.01)), l);
        PenaltySpec s = new SelectiveWeightDecayPruning().penalty(defaults(new SelectiveWeightDecayPruning()));
        assertEquals(PenaltySpec.of(PenaltySpec.SWD, 5e-4, Map.of("a_min", 0.1, "a_max", 1e5)), s);
        PenaltySpec c = new LearningCompressionPruning().penalty(defaults(new LearningCompressionPruning()));
        assertEquals(PenaltySpec.of(PenaltySpec.LC, 9e-5, Map.of("growth", 1.1, "mu_steps", 40.0)), c);
        assertEquals(-1, defaults(new LearningCompressionPruning()).getInt("learn_epochs"));
    }

    @Test
    void theServiceFileRegistersTheThree() {
        prunebench.prune.StrategyRegistry registry = new prunebench.prune.StrategyRegistry();
        assertTrue(registry.get("l_half") instanceof ModifiedL12Pruning);
        assertTrue(registry.get("swd") instanceof SelectiveWeightDecayPruning);
        assertTrue(registry.get("lc") instanceof LearningCompressionPruning);
    }

    @Test
    void lHalfIsTheSmoothedSquareRootWithItsDefaults() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {0f, 0.005f, 0.04f, -0.04f});
            Penalty p = penalty(new ModifiedL12Pruning(), Map.of(), w, 0);
            // lambda 1e-4, a 0.01: f(0) = sqrt(3a/8) = 0.0612372; f(0.005) = sqrt(-7.8125e-5 + 1.875e-3 + 3.75e-3)
            // = 0.0744773; f(+-0.04) = 0.2. f'(0) = 0; f'(0.005) = (-0.0625 + 0.75) / (2 x 0.0744773) = 4.61550;
            // f'(+-0.04) = +-1 / (2 x 0.2) = +-2.5
            assertValueAndGradient(5.357146e-5, new double[] {0, 4.615497e-4, 2.5e-4, -2.5e-4},
                    valueAndGradient(manager, w, p, 0, 10));
        }
    }

    @Test
    void swdPenalisesTheWeightsBelowTheBudgetWithTheAuthorsGrowingA() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {3f, -1f, 0.5f, 2f});
            Penalty p = penalty(new SelectiveWeightDecayPruning(), Map.of(), w, 2);
            // keep 2: 3 and 2 kept, -1 and 0.5 penalised; mu 5e-4, a(t) = 0.1 x (1e5 / 0.1)^(t / T)
            // t = 0: a = 0.1, mu a / 2 x 1.25 = 3.125e-5, gradient mu a w
            assertValueAndGradient(3.125e-5, new double[] {0, -5e-5, 2.5e-5, 0}, valueAndGradient(manager, w, p, 0, 4));
            // t = 2 of 4: a = 0.1 x 1e3 = 100
            assertValueAndGradient(0.03125, new double[] {0, -0.05, 0.025, 0}, valueAndGradient(manager, w, p, 2, 4));
            // t = 3 of 4, the last step: a = 0.1 x 1e6^(3/4) = 3162.28, short of a_max as in get_a
            assertValueAndGradient(0.988212, new double[] {0, -1.581139, 0.790569, 0},
                    valueAndGradient(manager, w, p, 3, 4));
        }
    }

    @Test
    void lcRunsItsLAndCStepsOnTheMuScheduleAndEndsAtTheLastProjection() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {3f, -1.9f, 0.5f, 2f});
            try (Penalty p = penalty(new LearningCompressionPruning(), Map.of(), w, 2)) {
                // 80 steps, 40 L steps of 2; mu_j = 9e-5 x 1.1^j. Direct compression: Theta = [3, 0, 0, 2],
                // lambda = 0; L step 0: mu_0 / 2 x (1.9^2 + 0.5^2), gradient mu_0 (w - Theta)
                assertValueAndGradient(1.737e-4, new double[] {0, -1.71e-4, 4.5e-5, 0},
                        valueAndGradient(manager, w, p, 0, 80));
                // C step at mu_0: Theta = Pi(w) unchanged, lambda = -mu_0 (w - Theta) = [0, 1.71e-4, -4.5e-5, 0];
                // L step 1 (mu_1 = 9.9e-5) toward Theta + lambda / mu_1 = [3, 1.727273, -0.454545, 2]
                assertValueAndGradient(6.963791e-4, new double[] {0, -3.591e-4, 9.45e-5, 0},
                        valueAndGradient(manager, w, p, 2, 80));
                // C step at mu_1 projects w - lambda / mu_1 = [3, -3.627273, 0.954545, 2]: Theta = [3, -3.627273, 0,
                // 0] (Pi(w) would keep 3 and 2); lambda = [0, 0, -9.45e-5, -1.98e-4]; L step 2 (mu_2 = 1.089e-4)
                // toward [3, -3.627273, -0.867769, -1.818182]
                assertValueAndGradient(1.0581146e-3, new double[] {0, 1.881e-4, 1.4895e-4, 4.158e-4},
                        valueAndGradient(manager, w, p, 4, 80));
                // the final C step at mu_2: Pi(w - lambda / mu_2) = Pi([3, -1.9, 1.367769, 3.818182]), w = Theta
                JniUtils.setGradMode(false);
                try (NDManager scope = manager.newSubManager()) {
                    p.finish(scope);
                }
                assertArrayEquals(new float[] {3f, 0f, 0f, 3.818182f}, w.toFloatArray(), 1e-5f);
            }
            NDArray v = manager.create(new float[] {3f, -1.9f, 0.5f, 2f});
            try (Penalty p = penalty(new LearningCompressionPruning(), Map.of(), v, 2)) {
                // step 79 of 80 is in the last L step, j = 39: mu = 9e-5 x 1.1^39 = 3.70303e-3
                assertValueAndGradient(7.146848e-3, new double[] {0, -3.70303e-3 * 1.9, 3.70303e-3 * 0.5, 0},
                        valueAndGradient(manager, v, p, 79, 80));
            }
        }
    }

    @Test
    void badValuesAndAPerLayerPruneAreRefused() {
        SelectiveWeightDecayPruning swd = new SelectiveWeightDecayPruning();
        assertThrows(ConfigException.class, () -> swd.validate(new StrategyOptions("swd", swd.parameterDefaults(),
                Map.of("a_min", 10.0, "a_max", 1.0))));
        assertThrows(ConfigException.class, () -> swd.validate(new StrategyOptions("swd", swd.parameterDefaults(),
                Map.of("distribution", "uniform"))));
        LearningCompressionPruning lc = new LearningCompressionPruning();
        assertThrows(ConfigException.class, () -> lc.validate(new StrategyOptions("lc", lc.parameterDefaults(),
                Map.of("mu_inc", 0.5))));
        assertThrows(ConfigException.class, () -> lc.validate(new StrategyOptions("lc", lc.parameterDefaults(),
                Map.of("scope", "layer"))));
        ModifiedL12Pruning lHalf = new ModifiedL12Pruning();
        assertThrows(ConfigException.class, () -> lHalf.validate(new StrategyOptions("l_half",
                lHalf.parameterDefaults(), Map.of("a", 0.0))));
    }

    @Test
    void jointSparsityIsRegisteredWithItsDefaultsAndRefusesBadValues() {
        assertTrue(new prunebench.prune.StrategyRegistry().get("joint_sparsity") instanceof JointSparsityPruning);
        JointSparsityPruning js = new JointSparsityPruning();
        assertEquals(PenaltySpec.of(PenaltySpec.JOINT_SPARSITY, 1e-2, Map.of("coefficient_init", 5e-4, "omega_lr",
                1.0)), js.penalty(defaults(js)));
        assertEquals(-1, defaults(js).getInt("learn_epochs"));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("alpha", 0.0),
                Map.of("coefficient_init", -1.0), Map.of("omega_lr", 0.0), Map.of("distribution", "uniform"))) {
            assertThrows(ConfigException.class, () -> js.validate(new StrategyOptions("joint_sparsity",
                    js.parameterDefaults(), bad)), bad.toString());
        }
    }
}
