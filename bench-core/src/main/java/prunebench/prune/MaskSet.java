package prunebench.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary masks (float 0/1, on the weights' device) for the prunable tensors, keyed by parameter name. Applying
 * them multiplies the weights in place; the trainer does this after every optimizer step, because momentum would
 * otherwise revive pruned weights.
 */
public final class MaskSet implements AutoCloseable {
    private final Map<String, NDArray> masks = new LinkedHashMap<>();
    private final Map<String, PruningTarget> targets = new LinkedHashMap<>();

    /** All-ones masks for {@code targets}, allocated on {@code manager}. */
    public static MaskSet dense(List<PruningTarget> targets, NDManager manager) {
        MaskSet set = new MaskSet();
        for (PruningTarget t : targets) {
            set.targets.put(t.name(), t);
            set.masks.put(t.name(), manager.ones(t.array().getShape()).toDevice(t.array().getDevice(), false));
        }
        return set;
    }

    public Map<String, NDArray> masks() {
        return Collections.unmodifiableMap(masks);
    }

    public NDArray get(String name) {
        return masks.get(name);
    }

    public List<PruningTarget> targets() {
        return List.copyOf(targets.values());
    }

    /** Replaces one mask; the old array is closed. */
    public void set(String name, NDArray mask) {
        NDArray old = masks.put(name, mask);
        if (old != null && old != mask) {
            old.close();
        }
    }

    /** Zeroes the pruned weights in place. */
    public void apply() {
        for (Map.Entry<String, NDArray> e : masks.entrySet()) {
            targets.get(e.getKey()).array().muli(e.getValue());
        }
    }

    /** Number of kept (mask = 1) entries of one tensor. */
    public long kept(String name) {
        try (NDArray sum = masks.get(name).sum()) {
            return Math.round(sum.getFloat()); // exact: float32 counts integers up to 2^24 per tensor
        }
    }

    public long keptTotal() {
        long k = 0;
        for (String n : masks.keySet()) {
            k += kept(n);
        }
        return k;
    }

    @Override
    public void close() {
        masks.values().forEach(NDArray::close);
        masks.clear();
    }
}
