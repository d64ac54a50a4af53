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
 */
abstract class ReallocatingUpdater implements MaskUpdater {
    final DynamicContext context;
    private final boolean resetGrown;
    private int updates;
    private long changed;

    ReallocatingUpdater(DynamicContext context, boolean resetGrown) {
        this.context = context;
        this.resetGrown = resetGrown;
    }

    /** The new masks after optimizer step {@code done}, from the current weights and masks (flattened). */
    abstract Reallocation.Rewired compute(List<float[]> weights, List<float[]> masks, int done);

    /** One update after optimizer step {@code done} (1-based). */
    final void rewire(int done) {
        List<PruningTarget> targets = context.targets();
        List<float[]> weights = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        for (PruningTarget t : targets) {
            weights.add(t.array().toFloatArray());
            masks.add(context.masks().get(t.name()).toFloatArray());
        }
        Reallocation.Rewired r = compute(weights, masks, done);
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
