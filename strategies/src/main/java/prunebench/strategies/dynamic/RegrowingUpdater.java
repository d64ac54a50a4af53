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
import prunebench.train.EpochRecord;
import prunebench.util.Seeds;

/**
 * Rewires the masks on the {@link DropSchedule}: each tensor drops its weakest active weights and regrows as many
 * connections where the {@link GrowthScores} are highest ({@link PruneAndGrow}). Regrown connections start at
 * zero (their weights are already zero, being masked until now) and their optimizer state (SGD momentum, Adam
 * moments, which kept accumulating dense gradients while masked) is reset; the masks are then re-applied so that
 * the dropped weights are zero too. Dense tensors (ERK may make small ones dense) are left alone.
 *
 * <p>{@link #everyEpoch} is Mocanu et al. 2018's schedule instead: after every epoch's evaluation but the last, the
 * constant fraction {@code drop_fraction} (their zeta) is removed on each side of zero ({@link SignedPruneAndGrow});
 * {@code update_interval} and {@code end_fraction} play no part. Their Keras script also rewires after the last
 * epoch, once its accuracy is recorded, which changes no reported number; skipping it (as their sparse-matrix
 * version does: "do not change connectivity pattern after the last epoch") keeps the final masks those evaluated.
 */
final class RegrowingUpdater implements MaskUpdater {
    private final DynamicContext context;
    private final GrowthScores growth;
    private final boolean skipStep;
    private final boolean perEpoch;
    private DropSchedule schedule; // depends on the stage's length, known at the first step
    private int updates;
    private long changed;
    private int stepsDone; // optimizer steps done in the stage, as of the last step
    private int total = -1; // the stage's steps, known at the first step

    /** @param skipStep whether a mask update replaces that step's optimizer step (RigL's reference) */
    RegrowingUpdater(DynamicContext context, GrowthScores growth, boolean skipStep) {
        this(context, growth, skipStep, false);
    }

    private RegrowingUpdater(DynamicContext context, GrowthScores growth, boolean skipStep, boolean perEpoch) {
        DropSchedule.validate(context.options());
        this.context = context;
        this.growth = growth;
        this.skipStep = skipStep;
        this.perEpoch = perEpoch;
    }

    /**
     * Mocanu et al.'s SET: after each epoch but the stage's last, {@code drop_fraction} of each tensor's positive and
     * of its negative weights closest to zero are removed and as many grown; the optimizer steps on every step.
     */
    static RegrowingUpdater everyEpoch(DynamicContext context, GrowthScores growth) {
        return new RegrowingUpdater(context, growth, false, true);
    }

    private DropSchedule schedule(int totalSteps) {
        if (schedule == null) {
            schedule = DropSchedule.of(context.options(), totalSteps);
        }
        return schedule;
    }

    @Override
    public boolean replacesOptimizerStep(int globalStep, int totalSteps) {
        return skipStep && !perEpoch && schedule(totalSteps).updatesAt(globalStep + 1);
    }

    @Override
    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
        int done = globalStep + 1;
        stepsDone = done;
        total = totalSteps;
        if (!perEpoch && schedule(totalSteps).updatesAt(done)) {
            update(done, schedule.fraction(done));
        }
    }

    /**
     * Mocanu's rewiring, after the epoch's evaluation as in both reference scripts (their accuracy of an epoch is
     * that of the masks it trained), and before the checkpoint listener saves the epoch (it is added after this one),
     * so that a resumed run starts from the rewired masks. A resume starts at an epoch's end, so {@code stepsDone} is
     * always set by this epoch's own steps. Dynamic sparse stages are never cut mid-epoch ({@code toStep}).
     */
    @Override
    public void afterEpoch(EpochRecord record) {
        if (perEpoch && total > 0 && stepsDone < total) {
            update(stepsDone, context.options().getDouble(DropSchedule.DROP_FRACTION));
        }
    }

    /**
     * One mask update after optimizer step {@code done}, dropping {@code fraction} of each tensor's active weights
     * (per epoch: of its positive and of its negative weights).
     */
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
                float[] weights = t.array().toFloatArray();
                float[] scores = growth.of(t, done, scope);
                int[] ties = tieOrder(t, done, current.length);
                PruneAndGrow.Result r = perEpoch ? SignedPruneAndGrow.update(weights, current, scores, fraction, ties)
                        : PruneAndGrow.update(weights, current, scores, fraction, ties);
                mask.set(FloatBuffer.wrap(r.mask()));
                if (any(r.grown())) {
                    NDArray grown = scope.create(r.grown(), t.array().getShape());
                    context.optimizer().resetState(t.name(), grown);
                    if (perEpoch) { // a removed connection drawn again restarts from zero too
                        t.array().muli(grown.neg().addi(1));
                    }
                }
                changed += r.changed();
            }
        }
        context.masks().apply();
        updates++;
    }

    private static boolean any(float[] marks) {
        for (float m : marks) {
            if (m > 0) {
                return true;
            }
        }
        return false;
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
