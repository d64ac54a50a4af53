package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writing into a long-lived array (a parameter, a gate, a mask) without leaving anything behind on its manager.
 *
 * <p>Two DJL 0.36 (PyTorch engine) behaviours made per-step updates grow native memory without bound (sparse
 * L0's 200-epoch run reached 22 GB after 42 epochs, about one weight-sized tensor per step): an operation on an
 * array puts its intermediates on that array's manager, so {@code gate.clip(lo, hi)} on a gate that lives as long
 * as the run left a gate-sized tensor there every step even with the result closed; and {@code set(Buffer)} copies
 * through a fresh direct buffer that it keeps referenced. Here the computation runs on a throwaway sub-manager and
 * the value is copied into the target's own storage by indexing ({@code target[...] = value}), which allocates
 * nothing that outlives the call.
 */
public final class InPlace {
    private InPlace() {}

    /** {@code target <- value} elementwise (same shape), in target's storage; the gradient flag is kept. */
    public static void assign(NDArray target, NDArray value) {
        target.set(new NDIndex("..."), value);
    }

    /** {@code target <- clip(target, lo, hi)}, in place. */
    public static void clip(NDArray target, double lo, double hi) {
        try (NDManager scope = target.getManager().newSubManager()) {
            assign(target, on(scope, target).clip(lo, hi));
        }
    }

    /** {@code target <- min(target, hi)}, in place. */
    public static void atMost(NDArray target, double hi) {
        try (NDManager scope = target.getManager().newSubManager()) {
            assign(target, on(scope, target).minimum(hi));
        }
    }

    /** {@code a} as an array of {@code scope} (0 + a): what is computed from it lands on the scope. */
    private static NDArray on(NDManager scope, NDArray a) {
        return scope.zeros(new ai.djl.ndarray.types.Shape()).add(a);
    }
}
