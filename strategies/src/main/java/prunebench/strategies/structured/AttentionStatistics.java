package prunebench.strategies.structured;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;

/** PCAS's attention statistic: the mean of each channel's attention over the examples of the training data. */
final class AttentionStatistics {
    private AttentionStatistics() {
    }

    /**
     * Adds every channel's attention over the statistic's examples ({@code statistic_batches} batches, -1 for one
     * pass) to {@code sums}; returns the examples.
     */
    static long collect(PruningContext context, Map<Parameter, AttentionModule> modules, boolean softmax,
            long orderSeed, Map<Parameter, double[]> sums) {
        BatchLoader data = context.trainData();
        int size = context.batchSize();
        int batches = context.options().getInt(Pcas.STATISTIC_BATCHES);
        int available = data.batchesPerEpoch(size);
        int count = batches < 0 ? available : Math.min(batches, available);
        int[] order = data.order(orderSeed, -1, true);
        long examples = 0;
        for (int b = 0; b < count; b++) {
            try (NDManager scope = context.manager().newSubManager()) {
                BatchLoader.Batch batch = data.batch(scope, order, b, size, null);
                examples += batch.labels().getShape().get(0);
                context.network().block().forward(new AttendedStore(scope, modules, softmax, (weight, a) ->
                        add(sums.computeIfAbsent(weight, k -> new double[Math.toIntExact(a.getShape().get(1))]),
                                a.toFloatArray())), new NDList(batch.images()), false);
            }
        }
        return examples;
    }

    /** Adds the rows of {@code attention} (N examples x C channels, row-major) to {@code sums} per channel. */
    static void add(double[] sums, float[] attention) {
        int channels = sums.length;
        for (int i = 0; i < attention.length; i++) {
            sums[i % channels] += attention[i];
        }
    }

    /** The statistic: the attention summed over {@code examples} examples, divided by their number. */
    static float[] mean(double[] sums, long examples) {
        float[] out = new float[sums.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) (sums[c] / examples);
        }
        return out;
    }
}
