package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers for optimizer arithmetic without per-operation garbage: 0-dimensional float32 operands created once, and
 * a list of temporaries closed together.
 *
 * <p>DJL implements {@code array.mul(0.9)} by allocating a direct buffer and a new 0-dim tensor for the number on
 * every call (tens of microseconds each); an optimizer that does this per parameter and operation spends more time
 * there than in the arithmetic of a small network. Torch casts a 0-dim operand to the other operand's float32
 * before computing, so {@code w.mul(of(m, 0.9))} gives the same bits as {@code w.mul(0.9)}.
 */
final class ScalarArrays {
    private ScalarArrays() {}

    /** {@code (float) value} as a 0-dim float32 array on {@code manager}. */
    static NDArray of(NDManager manager, double value) {
        return manager.create((float) value);
    }

    static void close(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (a != null) {
                a.close();
            }
        }
    }

    /** 0-dim arrays by value on one manager, each value made once, closed together. */
    static final class Cache implements AutoCloseable {
        private final NDManager manager;
        private final Map<Double, NDArray> arrays = new HashMap<>();

        Cache(NDManager manager) {
            this.manager = manager;
        }

        NDArray of(double value) {
            return arrays.computeIfAbsent(value, v -> ScalarArrays.of(manager, v));
        }

        @Override
        public void close() {
            arrays.values().forEach(NDArray::close);
            arrays.clear();
        }
    }

    /** Temporaries of one update, closed together. */
    static final class Temps implements AutoCloseable {
        private final List<NDArray> arrays = new ArrayList<>(4);

        NDArray add(NDArray a) {
            arrays.add(a);
            return a;
        }

        @Override
        public void close() {
            for (int i = arrays.size() - 1; i >= 0; i--) {
                arrays.get(i).close();
            }
            arrays.clear();
        }
    }
}
