package prunebench.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.model.TiedGroup;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningTarget;

/**
 * Kept channels as per-weight masks and back. A removed channel zeroes row {@code c} of its producer's weight, its
 * bias, gamma and beta (so the channel outputs exactly 0 in training and inference mode), and the matching input
 * columns of every consumer (so that nonzero counts, hence compression and theoretical speedup, are those of the
 * rebuilt network). A tensor may be both: a VGG conv is the producer of one group and the consumer of the previous.
 * A removed tied group ({@link TiedGroup}, a residual-stream channel) zeroes the same in every member (row, bias,
 * gamma, beta: the stream channel is then exactly 0 everywhere) and its input column in every reader.
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

    /** The surviving channels of every group in increasing order, by group name (in {@code groups} order). */
    static Map<String, int[]> keptIndices(MaskSet masks, List<ChannelGroup> groups) {
        List<boolean[]> kept = read(masks, groups);
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            boolean[] k = kept.get(g);
            int[] idx = new int[ChannelSelection.counts(List.of(k))[0]];
            int n = 0;
            for (int c = 0; c < k.length; c++) {
                if (k[c]) {
                    idx[n++] = c;
                }
            }
            out.put(groups.get(g).name(), idx);
        }
        return out;
    }

    /** Which tied groups are still there: those whose first member's row of its weight mask is not all zero. */
    static boolean[] readTies(MaskSet masks, List<TiedGroup> ties) {
        boolean[] out = new boolean[ties.size()];
        Map<String, float[]> cache = new HashMap<>();
        for (int t = 0; t < out.length; t++) {
            TiedGroup.Member m = ties.get(t).members().get(0);
            float[] mask = cache.computeIfAbsent(m.layer().name(),
                    n -> masks.get(n).toType(DataType.FLOAT32, false).toFloatArray());
            int rowSize = Math.toIntExact(mask.length / m.layer().weightShape().get(0));
            for (int i = m.channel() * rowSize; i < (m.channel() + 1) * rowSize && !out[t]; i++) {
                out[t] = mask[i] > 0;
            }
        }
        return out;
    }

    /** Replaces every mask of {@code masks} by the expansion of {@code kept}. */
    static void write(MaskSet masks, List<ChannelGroup> groups, List<boolean[]> kept, NDManager manager) {
        write(masks, groups, kept, List.of(), new boolean[0], manager);
    }

    /** Replaces every mask of {@code masks} by the expansion of {@code kept} and {@code tiesKept}. */
    static void write(MaskSet masks, List<ChannelGroup> groups, List<boolean[]> kept, List<TiedGroup> ties,
            boolean[] tiesKept, NDManager manager) {
        Map<String, float[]> touched = expanded(groups, kept, ties, tiesKept, masks.targets());
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
        return expanded(groups, kept, List.of(), new boolean[0], targets);
    }

    /** The same with tied groups: a removed one zeroes its row in every member and its column in every reader. */
    public static Map<String, float[]> expanded(List<ChannelGroup> groups, List<boolean[]> kept, List<TiedGroup> ties,
            boolean[] tiesKept, List<PruningTarget> targets) {
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
        Map<String, Long> widths = new HashMap<>();
        Map<String, Long> inputs = new HashMap<>();
        for (PruningTarget t : targets) {
            widths.put(t.name(), t.array().getShape().get(0));
            if (t.array().getShape().dimension() > 1) {
                inputs.put(t.name(), t.array().getShape().get(1));
            }
        }
        for (int t = 0; t < ties.size(); t++) {
            if (tiesKept[t]) {
                continue;
            }
            TiedGroup tie = ties.get(t);
            for (TiedGroup.Member m : tie.members()) {
                List<String> tensors = new ArrayList<>(List.of(m.layer().name()));
                if (m.bias() != null) {
                    tensors.add(m.bias());
                }
                if (m.norm() != null) {
                    tensors.add(m.norm().gamma());
                    tensors.add(m.norm().beta());
                }
                for (String n : tensors) {
                    own(rows, n, widths.get(n))[m.channel()] = false;
                }
            }
            for (TiedGroup.Reader r : tie.readers()) {
                String n = r.layer().name();
                // A reader reads one stream (a block's conv1, the classifier): its columns come from no channel group.
                own(cols, n, inputs.get(n) / r.factor())[r.channel()] = false;
                factors.put(n, r.factor());
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

    /** The map's array for {@code name}, copied first (it may be a caller's kept array), or all true. */
    private static boolean[] own(Map<String, boolean[]> map, String name, long n) {
        boolean[] a = map.get(name);
        a = a == null ? ones(n) : a.clone();
        map.put(name, a);
        return a;
    }

    private static boolean[] ones(long n) {
        boolean[] out = new boolean[Math.toIntExact(n)];
        java.util.Arrays.fill(out, true);
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
