package prunebench.run;

import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.LearnedMask;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;

/**
 * One step of a run's plan. {@link GridPlanner#stages} turns a run into a list of these; {@link PlanRunner} folds
 * them over a {@link RunState}, checkpointing after every stage and every epoch, so that a new method is a new
 * plan (or a new stage), never an edit of the executor.
 */
sealed interface Stage {
    /** The weights a run starts from: the seed's dense pretrained model, or the seed's initialisation. */
    record Start(Timing from) implements Stage {}

    /**
     * Masks from a strategy's scores (over {@code iterations} rounds), to a compression or by removing a fraction
     * of what remains; {@code invert} keeps the lowest scores. Pruned weights are zeroed; the weights as they were
     * before are kept in the state (for {@code masks.npz} and for {@link Shuffle}).
     *
     * @param batchSize the batch size of the data-driven scores: the next training stage's
     */
    record Prune(PruningStrategy strategy, StrategyOptions options, Amount amount, Distribution distribution,
            int iterations, boolean denseFirst, boolean invert, int batchSize) implements Stage {
        /** The same prune, scored by {@code scorer}. */
        Prune scoredBy(PruningStrategy scorer) {
            return new Prune(scorer, options, amount, distribution, iterations, denseFirst, invert, batchSize);
        }
    }

    /** How much a {@link Prune} keeps. */
    sealed interface Amount {
        /** Down to this compression (all trainable parameters / nonzero ones), or for channels its own target. */
        record Compression(double compression) implements Amount {}

        /** Removes this fraction of the prunable weights still kept (rounded up, as OpenLTH does). */
        record Rate(double rate) implements Amount {}
    }

    /**
     * The masks moved to random positions within each tensor, keeping each tensor's count, on the weights as they
     * were before the last prune.
     */
    record Shuffle(long seed) implements Stage {}

    /** Fresh weights, the initialisation of another seed; the masks are kept. */
    record Reinit(long seed) implements Stage {}

    /**
     * The weights back to a point of the dense model's training ({@code iterations + epochs} of its epochs; 0 is the
     * seed's initialisation), the masks applied.
     */
    record Rewind(int iterations, int epochs) implements Stage {}

    /** Keeps a copy of the weights and masks, for a branch of the plan (a control) that {@link Restore} ends. */
    record Stash() implements Stage {}

    /** Back to the weights and masks of the last {@link Stash}. */
    record Restore() implements Stage {}

    /**
     * The one training routine: {@code schedule} from its step {@code fromIterations + fromEpochs} epochs to its
     * end (or to {@code toStep}, when not negative), the masks held; {@code updates}, when not null, rewires them
     * (dynamic sparse training). With {@code atDenseCost} the schedule is stretched, when the stage starts, to as
     * many training multiply-adds as it would cost the dense network (Scratch-B, {@link prunebench.prune.Scratch}).
     */
    record Train(String label, TrainSchedule schedule, int fromIterations, int fromEpochs, int toStep,
            MaskUpdates updates, boolean atDenseCost) implements Stage {
        Train(String label, TrainSchedule schedule, MaskUpdates updates) {
            this(label, schedule, 0, 0, -1, updates, false);
        }

        Train(String label, TrainSchedule schedule, int fromIterations, int fromEpochs, int toStep,
                MaskUpdates updates) {
            this(label, schedule, fromIterations, fromEpochs, toStep, updates, false);
        }
    }

    /**
     * Trains the network together with a learned strategy's gates ({@link LearnedMask}) on {@code schedule}; at its
     * end the gates' scores are kept for the next {@link Prune} of that strategy and their deterministic effect is
     * folded into the weights.
     */
    record Learn(String label, TrainSchedule schedule, LearnedMask strategy, StrategyOptions options)
            implements Stage {}

    /**
     * Makes what rewires the masks while a {@link Train} stage runs (dynamic sparse training, gradual pruning), bound
     * to the stage's network, masks and optimizer ({@code options} of the context are null: the factory has its own).
     */
    interface MaskUpdates {
        MaskUpdater create(DynamicContext context, BatchLoader data);
    }

    /** Records level {@code level} of an iterative run: a row of levels.csv and of runs.csv, and its masks. */
    record Level(int level) implements Stage {}
}
