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

/** Auto-balanced regularisation (Ding et al. 2018) on hand-set filters: factors, value and gradient by hand. */
class AutoBalancedRegularizationTest {
    @Test
    void weakFiltersGetOnePlusLogThetaOverNormAndTheStrongOnesBalanceTheSumToZero() {
        // norms 1, 2, 3, 4 (given out of order), the 2 weakest are weak; theta = 3 (the weakest kept)
        // tau(1) = 1 + ln 3 = 2.0986123, tau(2) = 1 + ln 1.5 = 1.4054651
        // balance: -(2.0986123 x 1 + 1.4054651 x 4) / (9 + 16) = -7.7204727 / 25 = -0.3088189
        double[] tau = AutoBalancedRegularization.factors(new double[] {3, 1, 4, 2}, 2);
        assertArrayEquals(new double[] {-0.3088189, 2.0986123, -0.3088189, 1.4054651}, tau, 1e-6);
        double sum = 0;
        double[] m = {3, 1, 4, 2};
        for (int j = 0; j < 4; j++) {
            sum += tau[j] * m[j] * m[j];
        }
        assertEquals(0, sum, 1e-12);
        // nothing weak, or everything: no term
        assertArrayEquals(new double[3], AutoBalancedRegularization.factors(new double[] {1, 2, 3}, 0), 0);
        assertArrayEquals(new double[3], AutoBalancedRegularization.factors(new double[] {1, 2, 3}, 3), 0);
        // ties at the threshold: the lower index is the weak one; theta = 2, tau = 1 + ln(2 / 2) = 1;
        // balance -(1 x 4) / (4 + 16) = -0.2
        assertArrayEquals(new double[] {1, -0.2, -0.2}, AutoBalancedRegularization.factors(new double[] {2, 2, 4},
                1), 1e-12);
    }

    @Test
    void theValueIsZeroAndTheGradientIsLambdaTauK() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // 4 filters of 2 weights: norms 1 ([0.6, 0.8]), 2, 3, 4; weak 2; lambda 0.5
            NDArray w = manager.create(new float[] {0.6f, 0.8f, 2f, 0f, 0f, 3f, 4f, 0f}, new Shape(4, 2));
            AutoBalancedRegularization p = new AutoBalancedRegularization(List.of(w), new int[] {2}, 0.5);
            JniUtils.setGradMode(false);
            w.setRequiresGradient(true);
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray v = p.value(scope);
                collector.backward(v);
                // lambda / 2 x sum tau m^2 = 0 (the balance)
                assertEquals(0, v.getFloat(), 1e-6);
                try (NDArray g = w.getGradient()) {
                    // lambda x tau x K: 0.5 x 2.0986123 x [0.6, 0.8]; 0.5 x 1.4054651 x [2, 0];
                    // 0.5 x -0.3088189 x [0, 3]; 0.5 x -0.3088189 x [4, 0]
                    assertArrayEquals(new float[] {0.6295837f, 0.8394449f, 1.4054651f, 0f, 0f, -0.4632284f,
                        -0.6176378f, 0f}, g.toFloatArray(), 1e-6f);
                }
            }
        }
    }
}
