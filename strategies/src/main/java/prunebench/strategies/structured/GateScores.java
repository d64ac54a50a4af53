package prunebench.strategies.structured;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The criterion bookkeeping of NVlabs/Taylor_pruning's {@code pytorch_pruning} for one run: {@code add_criteria}
 * adds each training batch's (dL/dgate)^2 per channel; {@code compute_saliency} divides the sum by the batches
 * added since the last pruning step ({@code iterations_done}, reset after it), blends that with the previous
 * pruning step's criterion by {@code pruning_momentum} (none at the first step: {@code averaged = m averaged +
 * (1 - m) contribution}), and with {@code l2_normalization_per_layer} divides each layer by its L2 norm plus 1e-8.
 */
final class GateScores {
    private final double momentum;
    private final boolean l2;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private final Map<String, double[]> averaged = new LinkedHashMap<>();
    private int batches;
    private boolean first = true;

    GateScores(Map<String, Integer> channels, double momentum, boolean l2) {
        this.momentum = momentum;
        this.l2 = l2;
        channels.forEach((name, n) -> {
            sums.put(name, new double[n]);
            averaged.put(name, new double[n]);
        });
    }

    /** One batch's gate gradients dL/dgate, by group: their squares are accumulated. */
    void add(Map<String, double[]> gateGradients) {
        gateGradients.forEach((name, g) -> {
            double[] s = sums.get(name);
            for (int c = 0; c < g.length; c++) {
                s[c] += g[c] * g[c];
            }
        });
        batches++;
    }

    int batches() {
        return batches;
    }

    /** The criterion of this pruning step, by group; starts the next step's accumulation. */
    Map<String, float[]> scores() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] sum = e.getValue();
            double[] avg = averaged.get(e.getKey());
            double norm = 0;
            for (int c = 0; c < sum.length; c++) {
                double contribution = batches == 0 ? 0 : sum[c] / batches;
                avg[c] = first ? contribution : momentum * avg[c] + (1 - momentum) * contribution;
                norm += avg[c] * avg[c];
                sum[c] = 0;
            }
            double divisor = l2 ? Math.sqrt(norm) + 1e-8 : 1;
            float[] scores = new float[sum.length];
            for (int c = 0; c < sum.length; c++) {
                scores[c] = (float) (avg[c] / divisor);
            }
            out.put(e.getKey(), scores);
        }
        batches = 0;
        first = false;
        return out;
    }

    /** The state a resumed run needs: sums, averages (by group, in order), then batches and whether it began. */
    double[] state() {
        int size = 2;
        for (double[] s : sums.values()) {
            size += 2 * s.length;
        }
        double[] out = new double[size];
        int i = 0;
        for (String name : sums.keySet()) {
            for (double v : sums.get(name)) {
                out[i++] = v;
            }
            for (double v : averaged.get(name)) {
                out[i++] = v;
            }
        }
        out[i++] = batches;
        out[i] = first ? 1 : 0;
        return out;
    }

    void loadState(double[] state) {
        int i = 0;
        for (String name : List.copyOf(sums.keySet())) {
            double[] s = sums.get(name);
            double[] a = averaged.get(name);
            for (int c = 0; c < s.length; c++) {
                s[c] = state[i++];
            }
            for (int c = 0; c < a.length; c++) {
                a[c] = state[i++];
            }
        }
        batches = (int) state[i++];
        first = state[i] != 0;
    }
}
