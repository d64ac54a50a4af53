package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;

/**
 * Sparse training from scratch with a changing topology: the initial masks are random under the distribution (ERK
 * by default, as in the RigL paper), then a {@link RegrowingUpdater} drops and regrows connections during training.
 * Subclasses say where connections grow. Regrown connections start at zero with their optimizer state (momentum,
 * Adam moments) reset through {@link prunebench.train.Optimizer#resetState}.
 */
abstract class DynamicSparseStrategy extends SparseStart {
    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of(DropSchedule.DROP_FRACTION, 0.3, DropSchedule.UPDATE_INTERVAL, 100,
                DropSchedule.END_FRACTION, 0.75);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.ERK;
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        return new RegrowingUpdater(context, (target, step, scope) -> growthScores(context, target, step, scope),
                skipsOptimizerStep(context.options()));
    }

    /** Whether a mask update takes the place of that step's optimizer step. */
    boolean skipsOptimizerStep(StrategyOptions options) {
        return false;
    }

    /** Growth scores of {@code target} after optimizer step {@code step} (see {@link GrowthScores#of}). */
    abstract float[] growthScores(DynamicContext context, PruningTarget target, int step, NDManager scope);
}
