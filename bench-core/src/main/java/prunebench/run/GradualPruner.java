package prunebench.run;

import prunebench.data.BatchLoader;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.Gmp;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.Pruner;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;

/**
 * The mask updater of {@code gmp}: at the steps of {@link Gmp#keptAfter} it prunes the masks down to the schedule's
 * count with the same pruning loop as a prune stage. With a channel score (gradual filter pruning) the masks cover
 * whole channels and each pruning step is a {@link Stage.Prune} of {@link Masking#channels} to the compression on
 * the schedule, 1 / (1 - s_t) with s_f = 1 - 1 / compression, the run's compression at the end point. It keeps
 * nothing between steps but its counts: the target follows from the step alone, so a resumed stage prunes as an
 * uninterrupted one.
 */
final class GradualPruner implements MaskUpdater {
    /**
     * What the planner fixes for a run: scores, distribution, target and schedule; {@code keep} is the weights' target
     * (weight pruning), {@code compression} the channels' ({@code channels}).
     */
    record Settings(PruningStrategy scorer, StrategyOptions scorerOptions, Distribution distribution,
            boolean denseFirst, long keep, double start, double end, int every, int batchSize, boolean channels,
            double compression) {
        Settings(PruningStrategy scorer, StrategyOptions scorerOptions, Distribution distribution, boolean denseFirst,
                long keep, double start, double end, int every, int batchSize) {
            this(scorer, scorerOptions, distribution, denseFirst, keep, start, end, every, batchSize, false, 1);
        }
    }

    private final DynamicContext context;
    private final Settings settings;
    private final BatchLoader data;
    private final long prunable;
    private final Masking channels;
    private int updates;
    private long changed;

    GradualPruner(DynamicContext context, Settings settings, BatchLoader data) {
        this.context = context;
        this.settings = settings;
        this.data = data;
        this.prunable = context.targets().stream().mapToLong(PruningTarget::size).sum();
        this.channels = settings.channels() ? Masking.channels(context.network()) : null;
    }

    @Override
    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
        if (channels != null) {
            double fraction = Gmp.fractionAfter(globalStep + 1, totalSteps, settings.start(), settings.end(),
                    settings.every());
            if (fraction <= 0) {
                return;
            }
            long kept = context.masks().keptTotal();
            double finalSparsity = 1 - 1 / settings.compression();
            channels.prune(new Stage.Prune(settings.scorer(), settings.scorerOptions(), new Stage.Amount.Compression(
                    1 / (1 - finalSparsity * fraction)), settings.distribution(), 1, settings.denseFirst(), false,
                    settings.batchSize()), context.masks(), data, context.seed());
            long now = context.masks().keptTotal();
            if (now < kept) {
                updates++;
                changed += kept - now;
            }
            return;
        }
        long keep = Gmp.keptAfter(globalStep + 1, totalSteps, prunable, settings.keep(), settings.start(),
                settings.end(), settings.every());
        long kept = context.masks().keptTotal();
        if (keep >= 0 && keep < kept) {
            new Pruner(context.network(), context.targets(), data, settings.batchSize(), context.seed())
                    .prune(settings.scorer(), settings.scorerOptions(), context.masks(), keep, settings.distribution(),
                            1, settings.denseFirst());
            updates++;
            changed += kept - keep;
        }
    }

    @Override
    public MaskUpdateStats stats() {
        return new MaskUpdateStats(updates, changed);
    }
}
