package prunebench.run;

import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.model.Complexity;
import prunebench.prune.Scratch;

/**
 * What a run's training costs in multiply-adds (the runs.csv training-cost column), and Scratch-B's schedule stretched
 * to the dense network's cost: one place for the counting rule, so pretraining, retraining and Scratch-B agree.
 */
final class TrainingCost {
    private TrainingCost() {}

    /**
     * Scratch-B: {@code schedule} stretched to the dense network's training multiply-adds, by the dense / nonzero
     * multiply-adds of the network as it is (its masks applied; at a resume they are the same masks).
     */
    static TrainSchedule atDenseCost(TrainSchedule schedule, RunState state) {
        Complexity c = complexity(state);
        return Budget.withEpochs(schedule, Scratch.flopsMatchedEpochs(schedule.epochs(), c.flops(), c.flopsNonzero()));
    }

    /**
     * Multiply-adds of training steps {@code from..to-1}: per example 3x the network's nonzero multiply-adds as they
     * are now (forward 1x, backward 2x; RigL's paper counts the same way).
     */
    static double trainingFlops(BatchLoader train, RunState state, int from, int to, int batchSize) {
        int n = train.size();
        int steps = train.batchesPerEpoch(batchSize);
        double examples = 0;
        for (int s = from; s < to; s++) {
            examples += Math.min(batchSize, n - (s % steps) * batchSize);
        }
        return 3.0 * complexity(state).flopsNonzero() * examples;
    }

    /** The network as its masks leave it (an unmasked weight that is 0 still costs its multiply-adds). */
    static Complexity complexity(RunState state) {
        return Complexity.of(state.network, state.masks == null ? null : state.masks.masks());
    }
}
