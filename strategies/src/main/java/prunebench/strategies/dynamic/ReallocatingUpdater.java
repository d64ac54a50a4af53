package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.TopK;
import prunebench.util.Seeds;

/**
 * A mask updater that rewires all tensors together, moving connections between layers (SNFS, DSR): reads every
 * weight and mask, lets the subclass compute the new masks, writes them back, optionally resets the optimizer state
 * of the grown connections, and re-applies the masks so that dropped weights are zero.
 *
 * <p>A layer the run keeps dense ({@code dense_first_layer: true}: the first prunable tensor) is not one of the
 * {@link #rewired} tensors: it is neither pruned nor grown, takes no share of the regrowth and does not count in
 * the shares, means or totals of the others, as a layer left out of the references' sparse set (sparse_learning's
 * masks, DSR's sparse tensors). Before issue 27 it was rewired like the rest, so it lost weights at the first
 * update.
 */
abstract class ReallocatingUpdater implements MaskUpdater {
    final DynamicContext context;
    /** The tensors moved between: all targets but one kept dense, in the targets' order. */
    final List<PruningTarget> rewired;
    private final boolean resetGrown;
    private int updates;
    private long changed;

    ReallocatingUpdater(DynamicContext context, boolean resetGrown) {
        this.context = context;
        this.resetGrown = resetGrown;
        List<PruningTarget> all = context.targets();
        this.rewired = denseFirst(context) && !all.isEmpty() ? List.copyOf(all.subList(1, all.size())) : all;
    }

    static boolean denseFirst(DynamicContext context) {
        return context.options().has("dense_first_layer") && context.options().getBoolean("dense_first_layer");
    }

    /** The active connections of the {@link #rewired} tensors. */
    final long rewiredActive() {
        return rewired.stream().mapToLong(t -> context.masks().kept(t.name())).sum();
    }

    /**
     * The new masks of {@code targets} (the {@link #rewired} ones) after optimizer step {@code done}, from their
     * current weights and masks (flattened, in the same order).
     */
    abstract Reallocation.Rewired compute(List<PruningTarget> targets, List<float[]> weights, List<float[]> masks,
            int done);

    /** One update after optimizer step {@code done} (1-based). */
    final void rewire(int done) {
        List<PruningTarget> targets = rewired;
        if (targets.isEmpty()) {
            return;
        }
        List<float[]> weights = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        for (PruningTarget t : targets) {
            weights.add(t.array().toFloatArray());
            masks.add(context.masks().get(t.name()).toFloatArray());
        }
        Reallocation.Rewired r = compute(targets, weights, masks, done);
        try (NDManager scope = targets.get(0).array().getManager().newSubManager()) {
            for (int l = 0; l < targets.size(); l++) {
                PruningTarget t = targets.get(l);
                float[] next = r.masks().get(l);
                context.masks().get(t.name()).set(FloatBuffer.wrap(next));
                if (resetGrown) {
                    float[] grown = new float[next.length];
                    boolean any = false;
                    for (int i = 0; i < next.length; i++) {
                        if (next[i] > 0 && masks.get(l)[i] == 0) {
                            grown[i] = 1;
                            any = true;
                        }
                    }
                    if (any) {
                        NDArray g = scope.create(grown, t.array().getShape());
                        context.optimizer().resetState(t.name(), g);
                    }
                }
            }
        }
        context.masks().apply();
        updates++;
        changed += r.grown();
    }

    /** Ranks equal scores of one tensor at one update by a seeded random order (see RegrowingUpdater). */
    int[] tieOrder(String stream, PruningTarget t, int step) {
        return TopK.randomOrder(Math.toIntExact(t.size()), random(stream, t, step));
    }

    Random random(String stream, PruningTarget t, int step) {
        return new Random(Seeds.derive(context.seed(), stream + "/" + step + "/" + t.name()));
    }

    @Override
    public MaskUpdateStats stats() {
        return new MaskUpdateStats(updates, changed);
    }
}
