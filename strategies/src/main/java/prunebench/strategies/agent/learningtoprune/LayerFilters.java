package prunebench.strategies.agent.learningtoprune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;

/**
 * The tensors one channel group's filters live in, for trying actions on them in place: the producer's weight
 * rows, its bias, and its BatchNorm's gamma, beta and running statistics. Zeroing a filter's weight row, bias,
 * gamma and beta makes the channel output exactly 0 in training and inference mode, as the run's channel masks do;
 * the consumers' inputs then read zeros and need no change. {@link #snapshot} records the values an action is tried
 * from, {@link #zero} removes the dropped filters, {@link #restoreSnapshot} puts everything back.
 */
final class LayerFilters {
    private final List<NDArray> arrays = new ArrayList<>();
    private final List<float[]> snapshot = new ArrayList<>();
    private final List<float[]> original = new ArrayList<>();
    private final int filters;
    private boolean[] dropped;

    LayerFilters(Network network, ChannelGroup group) {
        this.filters = group.channels();
        List<String> names = new ArrayList<>();
        names.add(group.name());
        if (group.bias() != null) {
            names.add(group.bias());
        }
        if (group.norm() != null) {
            names.addAll(group.norm().all());
        }
        for (String n : names) {
            arrays.add(network.allParameters().get(n).getArray());
        }
        snapshot();
        for (float[] s : snapshot) {
            original.add(s.clone());
        }
    }

    int filters() {
        return filters;
    }

    /** The producer's weights as they are now (filters x weights per filter, row-major). */
    float[] weights() {
        return arrays.get(0).toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** Records the current values as the ones each action is tried from. */
    void snapshot() {
        snapshot.clear();
        for (NDArray a : arrays) {
            snapshot.add(a.toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    /**
     * From the snapshot, zeroes every tensor's rows of the filters {@code kept} says are dropped (the running
     * statistics too, harmless with gamma and beta at 0, so that the network is exactly the masked one).
     */
    void zero(boolean[] kept) {
        for (int t = 0; t < arrays.size(); t++) {
            float[] values = snapshot.get(t).clone();
            int row = values.length / filters;
            for (int f = 0; f < filters; f++) {
                if (!kept[f]) {
                    java.util.Arrays.fill(values, f * row, (f + 1) * row, 0f);
                }
            }
            arrays.get(t).set(values);
        }
    }

    void restoreSnapshot() {
        for (int t = 0; t < arrays.size(); t++) {
            arrays.get(t).set(snapshot.get(t));
        }
    }

    /** Holds the layer's decision: {@link #rezero} keeps these filters at zero while the network fine-tunes. */
    void hold(boolean[] kept) {
        dropped = new boolean[filters];
        for (int f = 0; f < filters; f++) {
            dropped[f] = !kept[f];
        }
    }

    /** Zeroes the held dropped filters again (after an optimizer step moved them). */
    void rezero() {
        if (dropped == null) {
            return;
        }
        for (NDArray a : arrays) {
            float[] values = a.toType(DataType.FLOAT32, false).toFloatArray();
            int row = values.length / filters;
            for (int f = 0; f < filters; f++) {
                if (dropped[f]) {
                    java.util.Arrays.fill(values, f * row, (f + 1) * row, 0f);
                }
            }
            a.set(values);
        }
    }

    /**
     * The end of the search: the dropped filters get back the values they had before it (the kept ones keep their
     * fine-tuned values), so that the grid's budget, not the search, decides which filters the run removes.
     */
    void restoreDropped() {
        if (dropped == null) {
            return;
        }
        for (int t = 0; t < arrays.size(); t++) {
            float[] values = arrays.get(t).toType(DataType.FLOAT32, false).toFloatArray();
            float[] before = original.get(t);
            int row = values.length / filters;
            for (int f = 0; f < filters; f++) {
                if (dropped[f]) {
                    System.arraycopy(before, f * row, values, f * row, row);
                }
            }
            arrays.get(t).set(values);
        }
    }
}
