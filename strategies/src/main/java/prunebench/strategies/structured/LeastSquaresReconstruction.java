package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import prunebench.model.PrunableLayer;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;

/**
 * {@link ChannelPruning}'s second step: every consumer's weights and bias set to the least-squares fit of its original
 * output from the kept channels ({@link NormalEquations}), layer after layer in network order, each fit on the inputs
 * the earlier reconstructions produce (the authors' sequential form: the target from the original network, the inputs
 * from the pruned one). Both passes draw from generators seeded alike, so the fit sees the targets' images and
 * positions.
 */
final class LeastSquaresReconstruction {
    private LeastSquaresReconstruction() {
    }

    /** Refits {@code consumers} (the layers reading the pruned groups, in network order) after {@code masks}. */
    static void reconstruct(PruningContext context, List<PrunableLayer> consumers, MaskSet masks) {
        StrategyOptions o = context.options();
        int samples = o.getInt(ChannelPruning.SAMPLES);
        int positions = o.getInt(ChannelPruning.POSITIONS);
        long seed = context.random("reconstruction").nextLong();
        // The targets: every consumer's output (with bias) on the sample, from the network before this round.
        List<List<double[]>> targets = new ArrayList<>();
        consumers.forEach(c -> targets.add(new ArrayList<>()));
        new PatchSampler(context, consumers, samples, positions, new Random(seed)).run(null,
                (scope, rows) -> {
                    for (int i = 0; i < consumers.size(); i++) {
                        targets.get(i).add(outputs(rows.get(i), consumers.get(i)));
                    }
                });
        masks.apply();
        for (int i = 0; i < consumers.size(); i++) {
            PrunableLayer layer = consumers.get(i);
            boolean[] kept = keptInputs(masks, layer);
            int cols = 0;
            for (boolean k : kept) {
                cols += k ? 1 : 0;
            }
            int n = Math.toIntExact(layer.weightShape().get(0));
            NormalEquations normal = new NormalEquations(cols, n, layer.bias() != null);
            List<double[]> target = targets.get(i);
            int[] batch = {0};
            int colCount = cols;
            // the same images and positions as the targets', through the network as reconstructed so far
            new PatchSampler(context, consumers, samples, positions, new Random(seed)).run(layer,
                    (scope, rows) -> {
                        SampledRows r = rows.get(consumers.indexOf(layer));
                        normal.add(scope, r.columns(kept, colCount), target.get(batch[0]++), r.count());
                    });
            double[] solution = normal.solve(context.manager(), o.getDouble(ChannelPruning.RIDGE));
            if (solution != null) {
                write(layer, kept, solution, n);
                masks.apply();
            }
        }
    }

    /** The consumer's output at the rows: patches times the weight, plus the bias, (rows x outputs) row-major. */
    private static double[] outputs(SampledRows rows, PrunableLayer layer) {
        float[] w = layer.weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
        float[] b = layer.bias() == null ? null
                : layer.bias().getArray().toType(DataType.FLOAT32, false).toFloatArray();
        int n = Math.toIntExact(layer.weightShape().get(0));
        int d = rows.width();
        double[] out = new double[rows.count() * n];
        for (int r = 0; r < rows.count(); r++) {
            for (int o = 0; o < n; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < d; i++) {
                    s += (double) rows.values()[r * d + i] * w[o * d + i];
                }
                out[r * n + o] = s;
            }
        }
        return out;
    }

    /** Inputs (fan-in entries) of {@code layer} that its mask keeps for some output: the kept channels' columns. */
    static boolean[] keptInputs(MaskSet masks, PrunableLayer layer) {
        int n = Math.toIntExact(layer.weightShape().get(0));
        int d = Math.toIntExact(layer.fanIn());
        boolean[] kept = new boolean[d];
        NDArray mask = masks.get(layer.name());
        if (mask == null) {
            Arrays.fill(kept, true);
            return kept;
        }
        float[] m = mask.toType(DataType.FLOAT32, false).toFloatArray();
        for (int o = 0; o < n; o++) {
            for (int i = 0; i < d; i++) {
                kept[i] |= m[o * d + i] > 0;
            }
        }
        return kept;
    }

    /** Sets the kept inputs' weights (and the bias) of {@code layer} from the solution, (kept [+ 1]) x n. */
    private static void write(PrunableLayer layer, boolean[] kept, double[] solution, int n) {
        NDArray weight = layer.weight().getArray();
        float[] w = weight.toType(DataType.FLOAT32, false).toFloatArray();
        int d = kept.length;
        int row = 0;
        for (int i = 0; i < d; i++) {
            if (kept[i]) {
                for (int o = 0; o < n; o++) {
                    w[o * d + i] = (float) solution[row * n + o];
                }
                row++;
            }
        }
        weight.set(w);
        if (layer.bias() != null) {
            float[] b = new float[n];
            for (int o = 0; o < n; o++) {
                b[o] = (float) solution[row * n + o];
            }
            layer.bias().getArray().set(b);
        }
    }
}
