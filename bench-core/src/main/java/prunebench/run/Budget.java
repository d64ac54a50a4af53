package prunebench.run;

import java.util.List;
import prunebench.config.LrScheduleSpec;
import prunebench.config.TrainSchedule;

/**
 * {@code --budget F}: a protocol shrunk in time for a smoke test. Every epoch count is multiplied by F and rounded
 * (a schedule that trains keeps at least one epoch); step milestones keep their place relative to the end of
 * training (round(m * scaled / original)), so a drop at 60 of 160 epochs stays at 37.5% of the scaled run, and two
 * milestones that fall on the same epoch both apply there; warmup epochs are scaled exactly. A lottery ticket's
 * rewinding point keeps its place too (iteration 500 of 160 epochs is iteration 3 of one epoch), so a shrunk
 * protocol still rewinds inside the shrunk pretraining.
 */
final class Budget {
    private Budget() {}

    static TrainSchedule scale(TrainSchedule t, double factor) {
        if (factor == 1 || t.epochs() == 0) {
            return t;
        }
        return withEpochs(t, epochs(t.epochs(), factor), factor);
    }

    /** An epoch count scaled by {@code factor}: rounded, at least one when it was not zero. */
    static int epochs(int epochs, double factor) {
        return factor == 1 || epochs == 0 ? epochs : Math.max(1, (int) Math.round(epochs * factor));
    }

    /**
     * A rewinding point {iterations, epochs} (as {@code Imp.rewindTo} gives it) scaled by {@code factor}: each part
     * rounded, kept at least one when it was not zero (rewinding to initialisation stays at iteration 0).
     */
    static int[] rewindTo(int[] point, double factor) {
        if (factor == 1) {
            return point;
        }
        return new int[] {epochs(point[0], factor), epochs(point[1], factor)};
    }

    /**
     * {@code t} stretched or shrunk to {@code epochs}: milestones at the same fraction of the training
     * (round(m * epochs / original)), warmup scaled alike.
     */
    static TrainSchedule withEpochs(TrainSchedule t, int epochs) {
        return epochs == t.epochs() || t.epochs() == 0 ? t : withEpochs(t, epochs, (double) epochs / t.epochs());
    }

    private static TrainSchedule withEpochs(TrainSchedule t, int epochs, double warmupFactor) {
        double ratio = (double) epochs / t.epochs();
        LrScheduleSpec s = t.lrSchedule();
        List<Integer> milestones = s.milestones() == null ? null
                : s.milestones().stream().map(m -> (int) Math.round(m * ratio)).toList();
        return new TrainSchedule(epochs, t.batchSize(), t.optimizer(),
                new LrScheduleSpec(s.name(), s.warmupEpochs() * warmupFactor, milestones, s.gamma()), t.penalty());
    }
}
