package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.Random;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.TopK;
import prunebench.util.Seeds;

/**
 * Rewires the masks on the {@link DropSchedule}: each tensor drops its weakest active weights and regrows as many
 * connections where the {@link GrowthScores} are highest ({@link PruneAndGrow}). Regrown connections start at
 * zero (their weights are already zero, being masked until now) and their optimizer state (SGD momentum, Adam
 * moments, which kept accumulating dense gradients while masked) is reset; the masks are then re-applied so that
 * the dropped weights are zero too. Dense tensors (ERK may make small ones dense) are left alone.
 */
final class RegrowingUpdater implements MaskUpdater {
    private final DynamicContext context;
    private final GrowthScores growth;
    private final boolean skipStep;
    private DropSchedule schedule; // depends on the stage's length, known at the first step
    private int updates;
    private long changed;

    /** @param skipStep whether a mask update replaces that step's optimizer step (RigL's reference) */
    RegrowingUpdater(DynamicContext context, GrowthScores growth, boolean skipStep) {
        DropSchedule.validate(context.options());
        this.context = context;
        this.growth = growth;
        this.skipStep = skipStep;
    }

    private DropSchedule schedule(int totalSteps) {
        if (schedule == null) {
            schedule = DropSchedule.of(context.options(), totalSteps);
        }
        return schedule;
    }

    @Override
    public boolean replacesOptimizerStep(int globalStep, int totalSteps) {
        return skipStep && schedule(totalSteps).updatesAt(globalStep + 1);
    }

    @Override
    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
        int done = globalStep + 1;
        if (schedule(totalSteps).updatesAt(done)) {
            update(done, schedule.fraction(done));
        }
    }

    /** One mask update after optimizer step {@code done}, dropping {@code fraction} of each tensor's active weights. */
    void update(int done, double fraction) {
        for (PruningTarget t : context.targets()) {
            NDArray mask = context.masks().get(t.name());
            try (NDManager scope = t.array().getManager().newSubManager()) {
                float[] current = mask.toFloatArray();
                long active = 0;
                for (float m : current) {
                    active += m > 0 ? 1 : 0;
                }
                if (active == 0 || active == current.length) {
                    continue;
                }
                PruneAndGrow.Result r = PruneAndGrow.update(t.array().toFloatArray(), current,
                        growth.of(t, done, scope), fraction, tieOrder(t, done, current.length));
                mask.set(FloatBuffer.wrap(r.mask()));
                if (r.changed() > 0) {
                    context.optimizer().resetState(t.name(), scope.create(r.grown(), t.array().getShape()));
                }
                changed += r.changed();
            }
        }
        context.masks().apply();
        updates++;
    }

    /**
     * Equal scores (weights left at zero, connections with no gradient) are ranked by a random order drawn from the
     * seed, the step and the tensor: no bias towards a tensor's first rows (RigL's reference adds noise of std 1e-5 to
     * the drop scores for this), yet the same choice on every rerun and after a resume, and distinct scores are never
     * reordered.
     */
    private int[] tieOrder(PruningTarget t, int step, int n) {
        return TopK.randomOrder(n, new Random(Seeds.derive(context.seed(), "regrow/ties/" + step + "/" + t.name())));
    }

    @Override
    public MaskUpdateStats stats() {
        return new MaskUpdateStats(updates, changed);
    }
}
