package prunebench.config;

/**
 * How long and how to train: epochs may be 0 (prune and evaluate only).
 *
 * @param penalty a term added to the loss, or null (plain cross-entropy). Left out of the canonical form when null,
 *                so that the identities of runs and dense models without a penalty are the ones they had before
 *                the key existed.
 */
public record TrainSchedule(int epochs, int batchSize, OptimizerSpec optimizer, LrScheduleSpec lrSchedule,
        @Canonical.OmitWhenNull PenaltySpec penalty) {
    /** Without a penalty. */
    public TrainSchedule(int epochs, int batchSize, OptimizerSpec optimizer, LrScheduleSpec lrSchedule) {
        this(epochs, batchSize, optimizer, lrSchedule, null);
    }

    /** The same schedule with {@code penalty} (null: none). */
    public TrainSchedule withPenalty(PenaltySpec penalty) {
        return new TrainSchedule(epochs, batchSize, optimizer, lrSchedule, penalty);
    }

    /** The same schedule with {@code epochs}. */
    public TrainSchedule withEpochs(int epochs) {
        return new TrainSchedule(epochs, batchSize, optimizer, lrSchedule, penalty);
    }
}
