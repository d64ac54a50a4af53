package prunebench.strategies.agent;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import prunebench.model.ChannelGroup;

/**
 * Which channels {@link Amc} keeps within a group once the agent has chosen how many: the most important by the
 * authors' {@code importance = |W|.sum((0, 2, 3))} on the reading layer.
 */
final class ChannelImportance {
    private ChannelImportance() {
    }

    /** Per input channel of the group, the sum of |w| over the reading layers' weights of that channel. */
    static float[] importance(ChannelGroup group) {
        float[] out = new float[group.channels()];
        for (ChannelGroup.Consumer c : group.consumers()) {
            float[] w = c.layer().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
            Shape shape = c.layer().weightShape();
            int d0 = Math.toIntExact(shape.get(0));
            int d1 = Math.toIntExact(shape.get(1));
            int inner = w.length / d0 / d1;
            for (int o = 0; o < d0; o++) {
                for (int col = 0; col < d1; col++) {
                    double s = 0;
                    for (int k = 0; k < inner; k++) {
                        s += Math.abs(w[(o * d1 + col) * inner + k]);
                    }
                    out[col / c.factor()] += (float) s;
                }
            }
        }
        return out;
    }

    /** Channel indices by decreasing importance, ties by index. */
    static int[] descending(float[] importance) {
        Integer[] idx = new Integer[importance.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(importance[b], importance[a]) != 0
                ? Float.compare(importance[b], importance[a]) : Integer.compare(a, b));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** Per group, the {@code kept[g]} most important channels (in {@code order}) marked kept. */
    static List<boolean[]> keptSets(List<int[]> order, int[] kept, int[] channels) {
        List<boolean[]> out = new ArrayList<>();
        for (int g = 0; g < kept.length; g++) {
            boolean[] k = new boolean[channels[g]];
            for (int i = 0; i < kept[g]; i++) {
                k[order.get(g)[i]] = true;
            }
            out.add(k);
        }
        return out;
    }
}
