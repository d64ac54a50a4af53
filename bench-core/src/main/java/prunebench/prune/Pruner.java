package prunebench.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.model.Network;

/**
 * Turns a strategy's scores into masks: over {@code iterations} rounds the kept fraction follows the exponential
 * schedule density_k = density^(k/iterations) (one round is one-shot pruning); each round re-scores the network
 * with the current masks applied and keeps the top entries under the distribution.
 */
public final class Pruner {
    private final Network network;
    private final List<PruningTarget> targets;
    private final BatchLoader data;
    private final int batchSize;
    private final long seed;
    /** Each target's density under {@link Distribution#LAYER_DENSITIES} ({@link LayerDensities}); else null. */
    private final double[] layerDensities;

    public Pruner(Network network, List<PruningTarget> targets, BatchLoader data, int batchSize, long seed) {
        this(network, targets, data, batchSize, seed, null);
    }

    /** @param layerDensities each target's density for {@link Distribution#LAYER_DENSITIES}, in target order */
    public Pruner(Network network, List<PruningTarget> targets, BatchLoader data, int batchSize, long seed,
            double[] layerDensities) {
        this.network = network;
        this.targets = List.copyOf(targets);
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        if (layerDensities != null && layerDensities.length != this.targets.size()) {
            throw new IllegalArgumentException(layerDensities.length + " layer densities for " + this.targets.size()
                    + " targets");
        }
        this.layerDensities = layerDensities == null ? null : layerDensities.clone();
    }

    /** Kept count after each round of an exponential schedule (the last equals {@code keep} exactly). */
    public static long[] schedule(long prunable, long keep, int iterations) {
        long[] out = new long[iterations];
        double density = (double) keep / prunable;
        for (int k = 1; k <= iterations; k++) {
            out[k - 1] = k == iterations ? keep : Math.round(prunable * Math.pow(density, (double) k / iterations));
        }
        return out;
    }

    /**
     * Prunes {@code masks} in place down to {@code keep} prunable entries and applies them to the weights.
     */
    public void prune(PruningStrategy strategy, StrategyOptions options, MaskSet masks, long keep,
            Distribution distribution, int iterations, boolean denseFirst) {
        long prunable = targets.stream().mapToLong(PruningTarget::size).sum();
        long[] rounds = schedule(prunable, keep, iterations);
        NDManager manager = network.block().getParameters().valueAt(0).getArray().getManager();
        PruningRounds.run(network, targets, masks, data, batchSize, seed, options, iterations, (context, r) -> {
            Map<String, NDArray> scores = strategy.score(context);
            List<float[]> values = new ArrayList<>();
            List<boolean[]> eligible = new ArrayList<>();
            for (PruningTarget t : targets) {
                NDArray s = scores.get(t.name());
                if (s == null || !s.getShape().equals(t.array().getShape())) {
                    throw new IllegalStateException("strategy '" + strategy.name() + "' returned "
                            + (s == null ? "no score" : "a score of shape " + s.getShape()) + " for " + t.name()
                            + " of shape " + t.array().getShape());
                }
                values.add(s.toType(DataType.FLOAT32, false).toFloatArray());
                float[] m = masks.get(t.name()).toType(DataType.FLOAT32, false).toFloatArray();
                boolean[] e = new boolean[m.length];
                for (int i = 0; i < m.length; i++) {
                    e[i] = m[i] > 0;
                }
                eligible.add(e);
                FiniteScores.check(strategy.name(), t.name(), values.get(values.size() - 1), e, "unpruned weights",
                        "weights");
            }
            List<float[]> selected = select(values, eligible, rounds[r], distribution, denseFirst);
            for (int i = 0; i < targets.size(); i++) {
                PruningTarget t = targets.get(i);
                masks.set(t.name(), manager.create(selected.get(i), t.array().getShape()));
            }
        });
    }

    List<float[]> select(List<float[]> scores, List<boolean[]> eligible, long keep, Distribution distribution,
            boolean denseFirst) {
        int n = scores.size();
        List<float[]> out = new ArrayList<>();
        if (distribution == Distribution.GLOBAL) {
            int first = denseFirst ? 1 : 0;
            long rest = keep;
            if (denseFirst) {
                float[] ones = new float[scores.get(0).length];
                java.util.Arrays.fill(ones, 1f);
                out.add(ones);
                rest -= ones.length;
            }
            int total = 0;
            for (int i = first; i < n; i++) {
                total += scores.get(i).length;
            }
            float[] all = new float[total];
            boolean[] elig = new boolean[total];
            int pos = 0;
            for (int i = first; i < n; i++) {
                System.arraycopy(scores.get(i), 0, all, pos, scores.get(i).length);
                System.arraycopy(eligible.get(i), 0, elig, pos, scores.get(i).length);
                pos += scores.get(i).length;
            }
            float[] mask = TopK.select(all, elig, Math.min(Math.max(rest, 0), countTrue(elig)));
            pos = 0;
            for (int i = first; i < n; i++) {
                out.add(java.util.Arrays.copyOfRange(mask, pos, pos + scores.get(i).length));
                pos += scores.get(i).length;
            }
            return out;
        }
        long[] sizes = new long[n];
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sizes[i] = scores.get(i).length;
            shapes.add(targets.get(i).array().getShape().getShape());
        }
        long[] counts;
        if (distribution == Distribution.LAYER_DENSITIES) {
            if (layerDensities == null) {
                throw new IllegalStateException("distribution layer_densities without the densities");
            }
            counts = Allocation.shaped(sizes, layerDensities, keep, denseFirst);
        } else {
            counts = Allocation.perTensor(distribution, sizes, shapes, keep, denseFirst);
        }
        for (int i = 0; i < n; i++) {
            out.add(TopK.select(scores.get(i), eligible.get(i), Math.min(counts[i], countTrue(eligible.get(i)))));
        }
        return out;
    }

    private static long countTrue(boolean[] b) {
        long c = 0;
        for (boolean x : b) {
            if (x) {
                c++;
            }
        }
        return c;
    }
}
