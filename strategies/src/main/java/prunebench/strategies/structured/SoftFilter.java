package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.prune.Control;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.MaskSet;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;
import prunebench.prune.structured.ChannelPruner;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.train.EpochRecord;

/**
 * Soft filter pruning, SFP (He et al. 2018), as he-y/soft-filter-pruning's {@code pruning_cifar10_resnet.py} runs
 * it: before training and at the end of every epoch ({@code epoch_prune 1}, the last included), each layer's filters
 * of smallest L2 norm are set to zero ({@code get_filter_codebook}, {@code do_mask}), the same fraction in every
 * layer, but they stay trainable and may grow back during the next epoch. After the last epoch the zeroed filters
 * are removed and the network rebuilt: the run's channel masks become that last selection (removing the filter's
 * bias, BatchNorm channel and the consumers' inputs too, so that the rebuilt network computes exactly what is
 * measured). Like {@code l1_filter}, the fraction is found from the run's compression ({@code target},
 * {@code min_channels} apply; the reference takes a kept rate per layer, e.g. {@code --rate 0.7}). Prunes from
 * scratch by default ({@code at: init}, as the reference's scripts train 200 epochs with it), or from the pretrained
 * model with {@code at: pretrained}.
 *
 * <p>Where this differs from the code: the soft step zeroes only the filter (the reference's {@code do_mask} touches
 * conv weights only), so between epochs a zeroed filter still outputs its bias / BatchNorm beta, as there; the
 * reference's last step leaves the model in that state and reports its accuracy, here the final network is the
 * rebuilt one without those channels.
 */
public final class SoftFilter implements StructuredStrategy, DynamicSparsity {
    @Override
    public String name() {
        return "soft_filter";
    }

    @Override
    public String description() {
        return "soft filter pruning (He et al. 2018): lowest-L2 filters zeroed every epoch but kept trainable, the "
                + "last epoch's removed";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    @Override
    public boolean prunesFromDense() {
        return true;
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        if (Control.of(options) != Control.NONE) {
            throw new ConfigException("soft_filter selects its channels while training: control does not apply");
        }
        if (options.has("iterations") && options.getInt("iterations") != 1) {
            throw new ConfigException("soft_filter prunes every epoch: iterations does not apply");
        }
    }

    /** The L2 norm of every filter (row of the producer's weight). */
    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            out.put(g.name(), norms(g.producer().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray(),
                    g.channels()));
        }
        return out;
    }

    static float[] norms(float[] w, int filters) {
        int size = w.length / filters;
        float[] out = new float[filters];
        for (int f = 0; f < filters; f++) {
            double s = 0;
            for (int i = f * size; i < (f + 1) * size; i++) {
                s += (double) w[i] * w[i];
            }
            out[f] = (float) Math.sqrt(s);
        }
        return out;
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        return new Updater(this, context);
    }

    /** Zeroes the weakest filters at the start and after every epoch; the last selection becomes the masks. */
    static final class Updater implements MaskUpdater {
        private final SoftFilter strategy;
        private final DynamicContext context;
        private final ChannelPruner pruner;
        private final Distribution distribution;
        private int total = -1;
        private int done;
        private int updates;
        private long changed;

        Updater(SoftFilter strategy, DynamicContext context) {
            this.strategy = strategy;
            this.context = context;
            this.pruner = new ChannelPruner(context.network());
            StrategyOptions o = context.options();
            this.distribution = o.has("scope") && o.getString("scope").equals("global") ? Distribution.GLOBAL
                    : Distribution.UNIFORM;
            try (MaskSet selection = select()) {
                zeroFilters(selection);
            }
        }

        /**
         * The channels to remove now: masks over the pruner's targets (all tensors a channel touches). The pruner
         * applies the masks it selects; the weights are put back, for the soft step zeroes filters only.
         */
        private MaskSet select() {
            List<NDArray> before = new java.util.ArrayList<>();
            pruner.targets().forEach(t -> before.add(t.array().duplicate()));
            MaskSet scratch = MaskSet.dense(pruner.targets(), context.network().block().getParameters().valueAt(0)
                    .getArray().getManager());
            pruner.prune(strategy, context.options(), scratch, context.compression(), distribution, 1,
                    context.options().has("dense_first_layer") && context.options().getBoolean("dense_first_layer"),
                    null, 0, context.seed());
            for (int i = 0; i < before.size(); i++) {
                before.get(i).copyTo(pruner.targets().get(i).array());
                before.get(i).close();
            }
            return scratch;
        }

        /**
         * The soft step: only the filters (rows of the producers' weights) of the removed channels are zeroed; counts
         * those that had grown back (nonzero) since the last step.
         */
        private void zeroFilters(MaskSet selection) {
            Map<String, int[]> kept = pruner.kept(selection);
            for (ChannelGroup g : pruner.groups()) {
                NDArray w = g.producer().weight().getArray();
                float[] values = w.toType(DataType.FLOAT32, false).toFloatArray();
                boolean[] keep = new boolean[g.channels()];
                for (int c : kept.get(g.name())) {
                    keep[c] = true;
                }
                int size = values.length / g.channels();
                for (int c = 0; c < g.channels(); c++) {
                    if (!keep[c]) {
                        boolean nonzero = false;
                        for (int i = c * size; i < (c + 1) * size; i++) {
                            nonzero |= values[i] != 0;
                            values[i] = 0;
                        }
                        changed += nonzero ? 1 : 0;
                    }
                }
                w.set(values);
            }
            updates++;
        }

        @Override
        public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
            total = totalSteps;
            done = globalStep + 1;
            if (done == total) { // after the last step, before the stage's final evaluation: removed for good
                try (MaskSet selection = select()) {
                    for (var e : selection.masks().entrySet()) {
                        context.masks().get(e.getKey()).set(e.getValue().toFloatArray());
                    }
                    context.masks().apply();
                    updates++;
                }
            }
        }

        @Override
        public void afterEpoch(EpochRecord record) {
            if (done < total) {
                try (MaskSet selection = select()) {
                    zeroFilters(selection);
                }
            }
        }

        @Override
        public MaskUpdateStats stats() {
            return new MaskUpdateStats(updates, changed);
        }
    }
}
