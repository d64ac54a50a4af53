package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.Map;

/**
 * Size and cost of a network, dense and after pruning.
 *
 * <p>{@link #of(Network, Map)} counts as removed exactly the entries a mask removes, which is what
 * {@code CompressionBudget} assumes: an unmasked entry that happens to be 0 (a zero-initialised bias or BatchNorm
 * beta after a 0-epoch run, a connection RigL regrew at 0) still stays in the model. {@link #of(Network)} counts
 * exact zeros instead; it is for networks without masks (a structurally rebuilt one, a test that zeroes by hand).
 *
 * @param params        trainable parameters (BatchNorm running statistics excluded)
 * @param paramsNonzero nonzero entries of the trainable parameters
 * @param flops         multiply-adds of Conv/Linear weights for one example: sum of weights * usesPerWeight
 * @param flopsNonzero  the same counting only nonzero weights
 */
public record Complexity(long params, long paramsNonzero, long flops, long flopsNonzero) {

    /**
     * The network with {@code masks} (parameter name to a 0/1 mask; null or empty for a dense network): an entry is
     * removed when its mask is 0, whatever its value.
     */
    public static Complexity of(Network network, Map<String, NDArray> masks) {
        Map<String, NDArray> m = masks == null ? Map.of() : masks;
        long params = 0;
        long removed = 0;
        for (Map.Entry<String, Parameter> e : network.trainableParameters().entrySet()) {
            params += e.getValue().getArray().size();
            NDArray mask = m.get(e.getKey());
            if (mask != null) {
                removed += mask.size() - countNonzero(mask);
            }
        }
        long flops = 0;
        long flopsNonzero = 0;
        for (PrunableLayer layer : network.layers()) {
            long count = layer.weightCount();
            NDArray mask = m.get(layer.name());
            long kept = mask == null ? count : countNonzero(mask);
            flops += count * layer.usesPerWeight();
            flopsNonzero += kept * layer.usesPerWeight();
        }
        return new Complexity(params, params - removed, flops, flopsNonzero);
    }

    /** Counts every exactly-zero trainable entry as removed: for a network without masks (see the class comment). */
    public static Complexity of(Network network) {
        long params = 0;
        long paramsNonzero = 0;
        Map<String, Long> nonzeroByName = new HashMap<>();
        for (Map.Entry<String, Parameter> e : network.trainableParameters().entrySet()) {
            NDArray array = e.getValue().getArray();
            long nonzero = countNonzero(array);
            nonzeroByName.put(e.getKey(), nonzero);
            params += array.size();
            paramsNonzero += nonzero;
        }
        long flops = 0;
        long flopsNonzero = 0;
        for (PrunableLayer layer : network.layers()) {
            // Every prunable weight is trainable, so its count is already known: one reduction per tensor.
            Long nonzero = nonzeroByName.get(layer.name());
            if (nonzero == null) {
                nonzero = countNonzero(layer.weight().getArray());
            }
            flops += layer.weightCount() * layer.usesPerWeight();
            flopsNonzero += nonzero * layer.usesPerWeight();
        }
        return new Complexity(params, paramsNonzero, flops, flopsNonzero);
    }

    /** Dense over remaining parameters (ShrinkBench's compression ratio); 1 for an unpruned network. */
    public double compression() {
        return (double) params / paramsNonzero;
    }

    /** Dense over remaining multiply-adds (ShrinkBench's theoretical speed-up). */
    public double speedup() {
        return (double) flops / flopsNonzero;
    }

    /** One native reduction; the intermediates are closed here rather than left on the model's manager. */
    private static long countNonzero(NDArray array) {
        // neq always allocates, so closing it can never close the parameter itself.
        try (NDArray nonzero = array.neq(0);
                NDArray count = nonzero.sum();
                NDArray asLong = count.toType(DataType.INT64, false)) { // may be count itself; close is idempotent
            return asLong.getLong();
        }
    }
}
