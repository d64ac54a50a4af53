package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Arithmetic with a constant inside a gradient graph, safe against a use-after-free in DJL 0.36's PyTorch engine.
 *
 * <p>{@code NDArray.mul(Number)} (and {@code div}, {@code pow}, {@code maximum}, {@code minimum}) turns the constant
 * into a 0-dim tensor over a Java direct buffer ({@code torch::from_blob}: libtorch does not own the memory), applies
 * the operation and closes the constant at once. Autograd keeps that tensor for the backward pass (d(a c)/da = c),
 * and once the garbage collector has freed the buffer, the backward pass reads whatever the memory holds by then. With
 * freed memory kept and reused ({@link prunebench.util.NativeMemory}) that is another tensor's data: now and then a
 * gradient of 10^5 where 10^-3 was due, which froze sparse VD's first layer under Adam (one such step fills the second
 * moment for thousands of steps; see REPRODUCTIONS.md). Which step it hits depends on when the collector runs, so runs
 * were not even repeatable. {@code add} and {@code sub} with a Number are safe (their backward does not read the
 * constant), as is {@code clip} (libtorch scalars).
 *
 * <p>Here the constant is an array of {@code scope}, the step's manager, closed only after the backward pass.
 * GraphScalarsTest runs a step with the collector running beside it and compares with a quiet one.
 */
public final class GraphScalars {
    private GraphScalars() {}

    /** {@code a * c}. */
    public static NDArray times(NDManager scope, NDArray a, double c) {
        return a.mul(constant(scope, a, c));
    }

    /** {@code a / c}. */
    public static NDArray over(NDManager scope, NDArray a, double c) {
        return a.div(constant(scope, a, c));
    }

    /** {@code a ^ c}. */
    public static NDArray power(NDManager scope, NDArray a, double c) {
        return a.pow(constant(scope, a, c));
    }

    /** {@code max(a, c)} elementwise. */
    public static NDArray atLeast(NDManager scope, NDArray a, double c) {
        return a.maximum(constant(scope, a, c));
    }

    /** {@code min(a, c)} elementwise. */
    public static NDArray atMost(NDManager scope, NDArray a, double c) {
        return a.minimum(constant(scope, a, c));
    }

    /** {@code c} as a 0-dim array of {@code a}'s type on {@code scope}, alive until the scope closes. */
    private static NDArray constant(NDManager scope, NDArray a, double c) {
        NDArray k = scope.create((float) c);
        return a.getDataType() == k.getDataType() ? k : k.toType(a.getDataType(), false);
    }
}
