package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import prunebench.config.ConfigException;
import prunebench.model.ChannelStructure;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.train.EpochRecord;

/**
 * Soft filter pruning as he-y/soft-filter-pruning's {@code Mask} does it ({@code init_mask}, {@code
 * get_filter_codebook}, {@code do_mask}): in every selected layer the {@code int(n * (1 - rate))} filters of smallest
 * L2 norm ({@code norm2.argsort()[:filter_pruned_num]}) have their weights set to zero, nothing else (no bias,
 * BatchNorm or consumer input is touched), before training, after every epoch and after the last step. After the last
 * step the zeroed filters become the run's masks over single weights, so the reported network is the reference's:
 * the zeroed model, whose removed channels still output their bias or BatchNorm beta.
 */
final class FilterZeroing implements MaskUpdater {
    private final DynamicContext context;
    private final List<PrunableLayer> layers;
    private final int[] counts;
    private int total = -1;
    private int done;
    private int updates;
    private long changed;

    FilterZeroing(DynamicContext context, List<PrunableLayer> layers, int[] counts) {
        this.context = context;
        this.layers = List.copyOf(layers);
        this.counts = counts.clone();
        zeroWeakest(false);
    }

    /**
     * The layers whose filters the reference masks: {@code conv}, every convolution (its 4-D weight tensors,
     * {@code mask_index} over {@code layer_begin 0 .. layer_end} in steps of 3: the stem, both convolutions of every
     * block; the classifier and hidden Linear layers are 2-D and skipped); {@code channels}, the producers of the
     * channel groups structured pruning can remove.
     */
    static List<PrunableLayer> layers(Network network, String which) {
        List<PrunableLayer> out = new ArrayList<>();
        if (which.equals(SoftFilter.LAYERS_CHANNELS)) {
            ChannelStructure.of(network).forEach(g -> out.add(g.producer()));
        } else {
            for (PrunableLayer l : network.layers()) {
                if (l.kind() == PrunableLayer.Kind.CONV && !l.classifier()) {
                    out.add(l);
                }
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException("soft_filter: model " + network.modelName() + " has no " + (which.equals(
                    SoftFilter.LAYERS_CHANNELS) ? "prunable channels" : "convolutions") + " whose filters it could zero");
        }
        return out;
    }

    /** The reference's count per layer at a kept {@code rate}: {@code int(n * (1 - rate))}, in double arithmetic. */
    static int[] countsAtRate(List<PrunableLayer> layers, double rate, int[] maximum) {
        int[] out = new int[layers.size()];
        for (int l = 0; l < out.length; l++) {
            out[l] = Math.min(maximum[l], (int) (filters(layers.get(l)) * (1 - rate)));
        }
        return out;
    }

    /**
     * The smallest pruned fraction p, the same in every layer (floor(n p) filters each, at most {@code maximum}),
     * whose zeroing brings {@code cost} (dense {@code dense}, each filter of layer l worth {@code perFilter[l]}) to
     * {@code maxCost} or below; null when even the maximum does not.
     */
    static int[] countsForCost(List<PrunableLayer> layers, double[] perFilter, double dense, double maxCost,
            int[] maximum) {
        List<Double> fractions = new ArrayList<>();
        for (PrunableLayer l : layers) {
            int n = filters(l);
            for (int k = 0; k <= n; k++) {
                fractions.add((double) k / n);
            }
        }
        fractions.sort(null);
        for (double p : fractions) {
            int[] counts = new int[layers.size()];
            double cost = dense;
            for (int l = 0; l < counts.length; l++) {
                counts[l] = Math.min(maximum[l], (int) Math.floor(filters(layers.get(l)) * p + 1e-9));
                cost -= counts[l] * perFilter[l];
            }
            if (cost <= maxCost) {
                return counts;
            }
        }
        return null;
    }

    /**
     * The counts for a run: at the strategy's {@code rate}, or for the run's compression (prunable entries kept,
     * {@link DynamicContext#keep()}; with {@code target: speedup} the multiply-adds).
     */
    static int[] counts(DynamicContext context, List<PrunableLayer> layers) {
        StrategyOptions o = context.options();
        int[] maximum = maximum(layers, o);
        double rate = SoftFilter.keptRate(o);
        if (!Double.isNaN(rate)) {
            return countsAtRate(layers, rate, maximum);
        }
        boolean speedup = o.getString(StructuredStrategy.TARGET).equals("speedup");
        double[] perFilter = new double[layers.size()];
        for (int l = 0; l < perFilter.length; l++) {
            PrunableLayer layer = layers.get(l);
            perFilter[l] = layer.fanIn() * (speedup ? layer.usesPerWeight() : 1);
        }
        double dense;
        double maxCost;
        if (speedup) {
            dense = context.network().layers().stream().mapToDouble(l -> (double) l.weightCount() * l.usesPerWeight())
                    .sum();
            maxCost = dense / context.compression();
        } else if (context.keep() >= 0) {
            dense = context.targets().stream().mapToLong(PruningTarget::size).sum();
            maxCost = context.keep();
        } else {
            dense = context.network().trainableParameters().values().stream().mapToLong(p -> p.getArray().size())
                    .sum();
            maxCost = dense / context.compression();
        }
        int[] counts = countsForCost(layers, perFilter, dense, maxCost, maximum);
        if (counts == null) {
            double best = dense;
            for (int l = 0; l < maximum.length; l++) {
                best -= maximum[l] * perFilter[l];
            }
            throw new ConfigException(String.format(Locale.ROOT, "soft_filter zeroes only the filters of %d layers "
                    + "of %s (layers: %s): %s %s is unreachable, at most %.3g; name a kept rate (rate: 0.7), a lower "
                    + "target, target: speedup, or the removing form (layers: channels, finish: removed)",
                    layers.size(), context.network().modelName(), o.getString(SoftFilter.LAYERS),
                    speedup ? "speedup" : "compression", context.compression(), dense / best));
        }
        return counts;
    }

    /** Filters each layer may lose: all but {@code min_channels}; none of the first with {@code dense_first_layer}. */
    private static int[] maximum(List<PrunableLayer> layers, StrategyOptions o) {
        double min = o.getDouble(StructuredStrategy.MIN_CHANNELS);
        int[] out = new int[layers.size()];
        for (int l = 0; l < out.length; l++) {
            int n = filters(layers.get(l));
            int keep = min < 1 ? (int) Math.ceil(min * n) : (int) min;
            out[l] = n - Math.min(n, Math.max(1, keep));
        }
        if (o.has("dense_first_layer") && o.getBoolean("dense_first_layer")) {
            out[0] = 0;
        }
        return out;
    }

    /** The indices of the {@code k} smallest {@code norms}, ascending (ties by index). */
    static int[] weakest(float[] norms, int k) {
        Integer[] order = new Integer[norms.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(norms[a], norms[b]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = order[i];
        }
        return out;
    }

    private static int filters(PrunableLayer l) {
        return Math.toIntExact(l.weightShape().get(0));
    }

    /**
     * One step of the reference's {@code init_mask} + {@code do_mask}: the weakest filters of every layer zeroed;
     * counts those that had grown back. With {@code hold}, also written into the run's masks (the last step).
     */
    private void zeroWeakest(boolean hold) {
        for (int l = 0; l < layers.size(); l++) {
            PrunableLayer layer = layers.get(l);
            NDArray w = layer.weight().getArray();
            float[] values = w.toType(DataType.FLOAT32, false).toFloatArray();
            int n = filters(layer);
            int size = values.length / n;
            float[] mask = new float[values.length];
            Arrays.fill(mask, 1f);
            for (int f : weakest(SoftFilter.norms(values, n), counts[l])) {
                boolean nonzero = false;
                for (int i = f * size; i < (f + 1) * size; i++) {
                    nonzero |= values[i] != 0;
                    values[i] = 0;
                    mask[i] = 0;
                }
                changed += nonzero ? 1 : 0;
            }
            w.set(values);
            if (hold) {
                NDArray m = context.masks().get(layer.name());
                if (m == null) {
                    throw new IllegalStateException("soft_filter: layer " + layer.name() + " is not among the run's "
                            + "masked tensors");
                }
                m.set(mask);
            }
        }
        if (hold) {
            context.masks().apply();
        }
        updates++;
    }

    @Override
    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
        total = totalSteps;
        done = globalStep + 1;
        if (done == total) { // the reference's do_mask after the last epoch, before its final evaluation: held
            zeroWeakest(true);
        }
    }

    @Override
    public void afterEpoch(EpochRecord record) {
        if (done < total) {
            zeroWeakest(false);
        }
    }

    @Override
    public MaskUpdateStats stats() {
        return new MaskUpdateStats(updates, changed);
    }

}
