package prunebench.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningTarget;

/**
 * Kept channels as per-weight masks and back. A removed channel zeroes row {@code c} of its producer's weight, its
 * bias, gamma and beta (so the channel outputs exactly 0 in training and inference mode), and the matching input
 * columns of every consumer (so that nonzero counts, hence compression and theoretical speedup, are those of the
 * rebuilt network). A tensor may be both: a VGG conv is the producer of one group and the consumer of the previous.
 */
public final class ChannelMasks {
    private ChannelMasks() {}

    /** Which channels each group still has: the rows of its producer's weight mask that are not all zero. */
    static List<boolean[]> read(MaskSet masks, List<ChannelGroup> groups) {
        List<boolean[]> out = new ArrayList<>();
        for (ChannelGroup g : groups) {
            float[] m = masks.get(g.name()).toType(DataType.FLOAT32, false).toFloatArray();
            int rows = g.channels();
            int rowSize = m.length / rows;
            boolean[] kept = new boolean[rows];
            for (int r = 0; r < rows; r++) {
                for (int i = r * rowSize; i < (r + 1) * rowSize && !kept[r]; i++) {
                    kept[r] = m[i] > 0;
                }
            }
            out.add(kept);
        }
        return out;
    }

    /** Replaces every mask of {@code masks} by the expansion of {@code kept}. */
    static void write(MaskSet masks, List<ChannelGroup> groups, List<boolean[]> kept, NDManager manager) {
        Map<String, float[]> touched = expanded(groups, kept, masks.targets());
        for (PruningTarget t : masks.targets()) {
            Shape shape = t.array().getShape();
            float[] mask = touched.containsKey(t.name()) ? touched.get(t.name()) : expand(shape, null, null, 1);
            NDArray array = manager.create(mask, shape).toDevice(t.array().getDevice(), false);
            masks.set(t.name(), array);
        }
    }

    /**
     * Per tensor of {@code targets} that a group touches, the mask of the kept channels: rows of removed channels
     * zeroed in the producer's weight, bias, gamma and beta, and the matching input columns of the readers. Tensors
     * no group touches are left out. Public for strategies that try channel choices themselves (amc).
     */
    public static Map<String, float[]> expanded(List<ChannelGroup> groups, List<boolean[]> kept,
            List<PruningTarget> targets) {
        Map<String, boolean[]> rows = new HashMap<>();
        Map<String, boolean[]> cols = new HashMap<>();
        Map<String, Integer> factors = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            ChannelGroup group = groups.get(g);
            boolean[] k = kept.get(g);
            rows.put(group.name(), k);
            if (group.bias() != null) {
                rows.put(group.bias(), k);
            }
            if (group.norm() != null) {
                rows.put(group.norm().gamma(), k);
                rows.put(group.norm().beta(), k);
            }
            for (ChannelGroup.Consumer c : group.consumers()) {
                cols.put(c.layer().name(), k);
                factors.put(c.layer().name(), c.factor());
            }
        }
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (PruningTarget t : targets) {
            boolean[] r = rows.get(t.name());
            boolean[] c = cols.get(t.name());
            if (r != null || c != null) {
                out.put(t.name(), expand(t.array().getShape(), r, c, factors.getOrDefault(t.name(), 1)));
            }
        }
        return out;
    }

    /** Ones, with rows {@code r} where {@code !rows[r]} and input columns of channels {@code !cols[c]} zeroed. */
    static float[] expand(Shape shape, boolean[] rows, boolean[] cols, int factor) {
        float[] mask = new float[Math.toIntExact(shape.size())];
        int d0 = Math.toIntExact(shape.get(0));
        int d1 = shape.dimension() > 1 ? Math.toIntExact(shape.get(1)) : 1;
        int inner = mask.length / d0 / d1;
        for (int r = 0; r < d0; r++) {
            if (rows != null && !rows[r]) {
                continue;
            }
            for (int c = 0; c < d1; c++) {
                if (cols != null && !cols[c / factor]) {
                    continue;
                }
                java.util.Arrays.fill(mask, (r * d1 + c) * inner, (r * d1 + c + 1) * inner, 1f);
            }
        }
        return mask;
    }
}
