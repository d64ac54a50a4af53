package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import prunebench.testing.FreedMemory;

/** A constant inside a gradient graph must outlive the backward pass ({@link FreedMemory#scribble} between them). */
class GraphScalarsTest {
    /** d sum(f(x)) / dx at x = (1, 2, 3), with or without {@link FreedMemory#scribble} between the passes. */
    private static float[] gradient(BiFunction<NDManager, NDArray, NDArray> f, boolean scribbled) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray y = f.apply(scope, scope.zeros(new ai.djl.ndarray.types.Shape()).add(x)).sum();
                if (scribbled) {
                    FreedMemory.scribble();
                }
                collector.backward(y);
            }
            FreedMemory.release();
            try (NDArray g = x.getGradient()) {
                return g.toFloatArray();
            }
        }
    }

    @Test
    void djlsOwnProductWithANumberReadsFreedMemoryInTheBackwardPass() {
        // the defect GraphScalars works around; if this starts to pass, DJL has fixed it
        boolean wrong = false;
        for (int i = 0; i < 5 && !wrong; i++) {
            wrong = !Arrays.equals(new float[] {3, 3, 3}, gradient((s, x) -> x.mul(3f), true));
        }
        assertTrue(wrong, "the scribble never reached the freed constant: this test cannot tell");
    }

    @Test
    void graphScalarsSurviveTheCollectorBetweenThePasses() {
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(new float[] {3, 3, 3}, gradient((s, x) -> GraphScalars.times(s, x, 3), true));
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, gradient((s, x) -> GraphScalars.over(s, x, 2), true));
            assertArrayEquals(new float[] {2, 4, 6}, gradient((s, x) -> GraphScalars.power(s, x, 2), true), 1e-6f);
            assertArrayEquals(new float[] {0, 1, 1}, gradient((s, x) -> GraphScalars.atLeast(s, x, 1.5), true));
            assertArrayEquals(new float[] {1, 0, 0}, gradient((s, x) -> GraphScalars.atMost(s, x, 1.5), true));
        }
    }
}
