package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskSet;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;
import prunebench.train.EpochRecord;

/**
 * The removing form of soft filter pruning ({@code layers: channels, finish: removed}, the only form before the
 * reference's was followed): the channels structured pruning can remove are selected by their filters' L2 norm at
 * the start and after every epoch, only their filters zeroed; after the last step that selection becomes the run's
 * channel masks, removing the filters' bias, BatchNorm channel and the consumers' inputs too, with no retraining
 * after, and the network is rebuilt smaller.
 */
final class SoftFilterRemoval implements MaskUpdater {
    private final SoftFilter strategy;
    private final DynamicContext context;
    private final ChannelPruner pruner;
    private final Distribution distribution;
    private int total = -1;
    private int done;
    private int updates;
    private long changed;

    SoftFilterRemoval(SoftFilter strategy, DynamicContext context) {
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
